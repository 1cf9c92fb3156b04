import { activeTraceContext, activeTraceIds, consumerSpanContext, inSpan, traceHeadersFrom, tracingRequested } from './tracing';

describe('Tracing settings (the standard OTEL_* variables)', () => {
  it('should be off unless an OTLP endpoint is set', () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://jaeger:4318/v1/traces' })).toBe(true);
  });

  it('should stay off when OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none, whatever the endpoint', () => {
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318', OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318', OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
  });
});

describe('Tracing off', () => {
  it('should run the work and store no trace context in events or headers', async () => {
    const result = await inSpan('command X', {}, async () => ({ context: activeTraceContext(), ids: activeTraceIds() }));
    expect(result).toEqual({ context: {}, ids: undefined });
    expect(consumerSpanContext([{ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }]).links).toEqual([]);
  });

  it('should pass a failure through', async () => {
    await expect(inSpan('command X', {}, async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
  });

  it('should copy only the W3C trace-context entries of event metadata into message headers', () => {
    expect(traceHeadersFrom({ traceparent: '00-a-b-01', tracestate: 'k=v', actor: { id: 'u' }, correlationId: 'c' })).toEqual({ traceparent: '00-a-b-01', tracestate: 'k=v' });
    expect(traceHeadersFrom({ correlationId: 'c' })).toEqual({});
  });
});

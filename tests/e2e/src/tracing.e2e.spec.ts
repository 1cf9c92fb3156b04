import { eventually, kafkaBrokers, kafkaSkipReason } from '@complaints/testing';
import { FiveProcessSystem, SERVICES, complaintBody } from './support/five-process-system';
import { OtlpReceiver, spanTree, type ReceivedSpan } from './support/otlp-receiver';

/**
 * OpenTelemetry across the five processes: with the standard OTEL_EXPORTER_OTLP_ENDPOINT
 * set, one registration is one trace — intake's HTTP span, the command, the append, the
 * relay's publish to Kafka (W3C trace context in the message headers), and each consumer
 * group's span in its own process, reporting's projections under its own. The spans are
 * collected by an OTLP/HTTP receiver this test runs on loopback; the test prints the tree.
 */
const brokers = kafkaBrokers();
const describeKafka = brokers ? describe : describe.skip;
if (!brokers) console.warn(`\n*** tracing e2e SKIPPED: ${kafkaSkipReason()} ***\n`);

describeKafka('One trace per registration across the processes (OpenTelemetry)', () => {
  const system = new FiveProcessSystem();
  const receiver = new OtlpReceiver();

  beforeAll(async () => {
    await receiver.start();
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200' };
    await system.start(brokers ?? [], Object.fromEntries(SERVICES.map((s) => [s, otel])));
  }, 180_000);

  afterAll(async () => {
    await system.stop();
    await receiver.stop();
  });

  it('should give one registration one trace from the HTTP request through the relay and Kafka to every consumer and projection', async () => {
    const registered = (await system.register(complaintBody())) as { id: string };
    await system.view(registered.id);
    const topic = `${system.topicPrefix}.events.v1`;

    const root = await eventually(
      async () => receiver.spans.find((s) => s.name === 'POST /api/complaints' && s.service === 'complaints-intake' && s.attributes['http.response.status_code'] === 201),
      'the registration request span',
    );
    const named = (spans: ReceivedSpan[], name: string, service: string) => spans.filter((s) => s.name === name && s.service === service);
    const expected = (spans: ReceivedSpan[]) =>
      named(spans, 'command RegisterComplaint', 'complaints-intake').length === 1 &&
      named(spans, `${topic} publish`, 'complaints-intake').length >= 1 &&
      ['intake', 'triage', 'handling', 'callback', 'reporting'].every((service) => named(spans, `${topic} process`, `complaints-${service}`).length >= 1) &&
      ['complaint-view', 'department-dashboard', 'monthly-report'].every((p) => named(spans, `projection ${p}`, 'complaints-reporting').length >= 1);
    const trace = await eventually(async () => (expected(receiver.trace(root.traceId)) ? receiver.trace(root.traceId) : undefined), 'every span of the registration', 30_000, 200);

    console.log(`trace ${root.traceId} of registration ${registered.id} (${trace.length} spans):\n${spanTree(trace)}`);

    // One tree: every span but the request's own has its parent in the same trace.
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    expect(root.parentSpanId).toBeUndefined();
    for (const span of trace) if (span !== root) expect(byId.get(span.parentSpanId ?? '')).toBeDefined();
    const ancestors = (span: ReceivedSpan): string[] => {
      const names: string[] = [];
      for (let p = byId.get(span.parentSpanId ?? ''); p; p = byId.get(p.parentSpanId ?? '')) names.push(`${p.name} [${p.service}]`);
      return names;
    };

    // The command under the request, the append of the complaint's stream under the command.
    const command = named(trace, 'command RegisterComplaint', 'complaints-intake')[0];
    expect(command.parentSpanId).toBe(root.spanId);
    // A registration commits as one unit of work (its serial number's stream and the complaint's); other commands append.
    const appends = trace.filter(
      (s) => (s.name === 'event-store append' || s.name === 'event-store unit of work') && String(s.attributes['complaints.stream_id']).split(' ').includes(`complaint-${registered.id}`),
    );
    expect(appends).toHaveLength(1);
    expect(appends[0].parentSpanId).toBe(command.spanId);

    // The relay continues the command's trace from the stored event; each group's span is the child of a publish span.
    const publish = named(trace, `${topic} publish`, 'complaints-intake').find((s) => s.attributes['messaging.kafka.message.key'] === registered.id && s.attributes['complaints.event_type'] === 'ComplaintRegistered');
    expect(publish).toBeDefined();
    expect(publish!.parentSpanId).toBe(command.spanId);
    const reporting = named(trace, `${topic} process`, 'complaints-reporting').find((s) => s.parentSpanId === publish!.spanId);
    expect(reporting).toMatchObject({ attributes: expect.objectContaining({ 'messaging.consumer.group.name': 'reporting', 'messaging.destination.name': topic }) });
    for (const projection of ['complaint-view', 'department-dashboard', 'monthly-report']) {
      expect(named(trace, `projection ${projection}`, 'complaints-reporting').some((s) => s.parentSpanId === reporting!.spanId)).toBe(true);
    }
    expect(ancestors(reporting!)).toEqual([`${topic} publish [complaints-intake]`, 'command RegisterComplaint [complaints-intake]', 'POST /api/complaints [complaints-intake]']);
    for (const group of ['triage', 'handling', 'callback', 'intake']) {
      const span = named(trace, `${topic} process`, `complaints-${group}`).find((s) => s.attributes['messaging.consumer.group.name'] === group);
      expect(span && byId.get(span.parentSpanId ?? '')?.name).toBe(`${topic} publish`);
    }

    // The trace context the relay started from is the one stored with the event.
    const { rows } = await system.sql.query<{ traceparent: string | null }>(`SELECT metadata->>'traceparent' AS traceparent FROM event_store.events WHERE stream_id = $1 AND stream_revision = 0`, [`complaint-${registered.id}`]);
    expect(rows[0].traceparent).toBe(`00-${root.traceId}-${command.spanId}-01`);
  }, 120_000);
});

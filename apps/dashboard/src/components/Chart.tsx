import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, GaugeChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';
import { useI18n } from '../i18n/i18n';

// SVG: crisp on tablets, and its text uses the page's fonts (Chinese included).
echarts.use([BarChart, PieChart, GaugeChart, GridComponent, TooltipComponent, LegendComponent, SVGRenderer]);

export const FONT = '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "Dashboard CJK", system-ui, sans-serif';
export const PALETTE = ['#2563eb', '#16a34a', '#f59e0b', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#ea580c', '#475569', '#0d9488', '#9333ea', '#ca8a04', '#64748b'];

export type Datum = { name: string; value: number };

export const barOption = (data: Datum[], options: { horizontal?: boolean; percent?: boolean; color?: string; max?: number } = {}): EChartsCoreOption => {
  const categoryAxis = { type: 'category', data: data.map((d) => d.name), axisLabel: { interval: 0, width: 90, overflow: 'truncate' }, axisTick: { show: false } };
  const valueAxis = { type: 'value', minInterval: options.percent ? undefined : 1, max: options.max, axisLabel: options.percent ? { formatter: '{value}%' } : {} };
  return {
    color: PALETTE,
    textStyle: { fontFamily: FONT },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: options.percent ? (v: number) => `${v}%` : undefined },
    grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
    xAxis: options.horizontal ? valueAxis : { ...categoryAxis, axisLabel: { ...categoryAxis.axisLabel, rotate: data.length > 5 ? 30 : 0 } },
    yAxis: options.horizontal ? { ...categoryAxis, inverse: true } : valueAxis,
    series: [
      {
        type: 'bar',
        data: data.map((d) => d.value),
        barMaxWidth: 36,
        itemStyle: { borderRadius: options.horizontal ? [0, 4, 4, 0] : [4, 4, 0, 0], color: options.color },
        label: { show: true, position: options.horizontal ? 'right' : 'top', formatter: options.percent ? '{c}%' : '{c}' },
        colorBy: options.color ? 'series' : 'data',
      },
    ],
  };
};

export const pieOption = (data: Datum[]): EChartsCoreOption => ({
  color: PALETTE,
  textStyle: { fontFamily: FONT },
  tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
  legend: { bottom: 0, type: 'scroll' },
  series: [
    {
      type: 'pie',
      radius: ['38%', '68%'],
      center: ['50%', '44%'],
      data: data.filter((d) => d.value > 0),
      label: { formatter: '{b}\n{c}' },
      itemStyle: { borderColor: '#fff', borderWidth: 2 },
    },
  ],
});

export const gaugeOption = (percent: number, name: string, target?: number): EChartsCoreOption => ({
  textStyle: { fontFamily: FONT },
  series: [
    {
      type: 'gauge',
      min: 0,
      max: 100,
      startAngle: 210,
      endAngle: -30,
      progress: { show: true, width: 14, itemStyle: { color: target !== undefined && percent < target ? '#f59e0b' : '#16a34a' } },
      axisLine: { lineStyle: { width: 14 } },
      axisTick: { show: false },
      splitLine: { length: 8, lineStyle: { width: 1, color: '#94a3b8' } },
      axisLabel: { distance: 18, fontSize: 10 },
      pointer: { show: false },
      title: { offsetCenter: [0, '72%'], fontSize: 13 },
      detail: { valueAnimation: false, offsetCenter: [0, '10%'], fontSize: 26, fontWeight: 'bold', formatter: '{value}%' },
      data: [{ value: Math.round(percent * 10) / 10, name }],
    },
  ],
});

/** An ECharts chart; `empty` shows a "no data" panel instead of bare axes. Every chart uses the page's fonts. */
export const Chart = ({ option, height = 280, label, empty }: { option: EChartsCoreOption; height?: number; label: string; empty?: boolean }) => {
  if (empty) return <EmptyChart height={height} label={label} />;
  return <LiveChart option={option} height={height} label={label} />;
};

const EmptyChart = ({ height, label }: { height: number; label: string }) => {
  const { t } = useI18n();
  return (
    <div className="chart chart-empty" style={{ height }} role="img" aria-label={label} data-testid="chart">
      {t('common.noData')}
    </div>
  );
};

const LiveChart = ({ option, height, label }: { option: EChartsCoreOption; height: number; label: string }) => {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!ref.current) return;
    const instance = echarts.init(ref.current, undefined, { renderer: 'svg' });
    chart.current = instance;
    const observer = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(() => instance.resize()) : null;
    observer?.observe(ref.current);
    return () => {
      observer?.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption({ ...option, textStyle: { fontFamily: FONT, ...((option.textStyle as object | undefined) ?? {}) } }, true);
  }, [option]);
  return <div ref={ref} className="chart" style={{ height }} role="img" aria-label={label} data-testid="chart" />;
};

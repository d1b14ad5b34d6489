// Resource usage (metrics.k8s.io): quantities, usage beside requests and limits, the polled hub.
export * from './metricsApi';
export * from './metricsHub';
export * from './quantity';
export * from './usageMath';
export { apiServiceAvailability, clusterMetricsSource } from './clusterMetricsSource';
export * from './topTable';
export * from './topSession';

/** Burst response: valve segmentation and burst isolation on a water network (see README.md). */
export {
  buildWaterGraph, linkIndexOf, CUSTOMER_CODE, NODE_KIND, VALVE_NORMALLY_OPEN, VALVE_OPERABLE, WATER_NODE_KINDS,
  type GraphBuildOptions, type GraphIssue, type GraphIssueKind, type WaterGraph, type WaterGraphBuild, type WaterGraphInput,
  type WaterLinkInput, type WaterNodeInput, type WaterNodeKind, type WaterValveInput,
} from './graph';
export { DEFAULT_SNAP_TOLERANCE_M } from './snapping';
export { waterGraphInputFromModel, type ModelGraphInput } from './fromModel';
export { parseEpanetInp, IGNORED_SECTIONS, type EpanetLink, type EpanetNetwork, type EpanetNode } from './epanet';
export { parseValveLayerCsv, type ValveLayerRow } from './valveLayer';
export { waterGraphInputFromEpanet, DEFAULT_ISOLATION_VALVE_TYPES, type EpanetGraphOptions } from './fromEpanet';
export { NetworkFileError, formatFileIssue, type FileIssue } from './networkFileError';
export { segmentValves, partitionByValves, type ValvePartition, type ValveSegmentation } from './segments';
export type { SupplyIndex } from './supply';
export { isolateBurst, type BurstIsolation, type IsolatedPart, type IsolationOptions, type ValveAction } from './isolation';

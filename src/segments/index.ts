// What other folders use from src/segments: import it from here, not from the files inside (issue 20).

export { LIFECYCLE_STAGES } from './lifecycle-stage.ts';
export { RFM_GROUPS } from './rfm-groups.ts';
export {
  computeSegmentation,
  rfmGrid,
  rfmRowAt,
  rfmSummary,
  type Segmentation,
  type SegmentationOptions,
  scoredPosition,
} from './rfm-service.ts';
export { type Condition, ConditionSchema, explainCondition } from './segment-condition.ts';
export {
  conditionFilter,
  createSegment,
  deleteSegment,
  exportSegmentMembers,
  findSegment,
  forgetSegmentMember,
  listSegments,
  parseCondition,
  previewSegment,
  refreshSegment,
  segmentMemberFilter,
  segmentMemberIds,
  segmentMembers,
  segmentsOfCustomers,
} from './segment-service.ts';

/** The complaint-stream helpers every service's projections share (moved to service-common). */
export { COMPLAINT_STREAM, evolveComplaint, isComplaintEvent, projectedFromMessage, projectedFromRecorded } from '@complaints/service-common';

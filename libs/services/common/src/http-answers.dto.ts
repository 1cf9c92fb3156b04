// The answer and error bodies live beside the HTTP setup that documents them on every operation
// (service-kit's documentErrorAnswers); re-exported here for the services' controllers.
export { AcceptedDto, ApiErrorDetailDto, ApiErrorDto } from '@complaints/service-kit';

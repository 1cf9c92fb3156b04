export * from './intake.module';
export * from './projections/intake-projections';
export { contactIndexProjection } from './projections/contact-index.projection';
export { INTAKE_MIGRATIONS } from './migrations';

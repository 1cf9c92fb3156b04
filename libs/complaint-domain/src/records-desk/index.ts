export * from './desk-common';
export * from './case-library';
export * from './public-disclosure';
export * from './weekly-check';

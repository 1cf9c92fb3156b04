/** The code groups' labels live in the shared catalogue (libs/contracts/src/i18n), one list for the dashboard and the server's exports. */
export * from '@complaints/contracts/i18n';

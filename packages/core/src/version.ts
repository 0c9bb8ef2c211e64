/** The aira version, reported by workers and written to run manifests. */
export const AIRA_VERSION = '0.1.0';

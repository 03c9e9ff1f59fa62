/** The LOKI_* variables `resolveLokiSinkOptions` reads, for the --help of every command that talks to Loki. */
export const LOKI_ENV_HELP = {
  LOKI_USERNAME: 'basic-auth user for Loki',
  LOKI_PASSWORD: 'basic-auth password for Loki (never logged)',
  LOKI_PASSWORD_FILE: 'file holding that password',
  LOKI_TENANT_ID: 'X-Scope-OrgID sent to Loki',
} as const

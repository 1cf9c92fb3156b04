// Types for greenmail-server.cjs (CommonJS).
export interface GreenMailOptions {
  /** SMTP port on 127.0.0.1 (default $GREENMAIL_SMTP_PORT or 3025); IMAP is +1, the REST API +2 unless set. */
  smtpPort?: number;
  imapPort?: number;
  apiPort?: number;
  logFile?: string;
  startTimeoutMs?: number;
}

export interface GreenMail {
  version: string;
  pid: number;
  smtp: { host: string; port: number };
  imap: { host: string; port: number };
  /** GreenMail's REST API, e.g. GET `${apiUrl}/api/user/<address>/messages/INBOX`. */
  apiUrl: string;
  logFile: string;
  startedInMs: number;
  stop(): Promise<void>;
}

export function startGreenMail(options?: GreenMailOptions): Promise<GreenMail>;

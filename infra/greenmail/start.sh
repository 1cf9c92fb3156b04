#!/usr/bin/env bash
# Run GreenMail in the foreground for development (Ctrl-C stops it):
#   infra/greenmail/start.sh            # SMTP 3025, IMAP 3026, REST API http://127.0.0.1:3027
#   GREENMAIL_SMTP_PORT=2525 infra/greenmail/start.sh
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v java >/dev/null 2>&1 || { echo 'greenmail: java not found on PATH (GreenMail needs Java 17+)' >&2; exit 1; }
exec node -e '
const { startGreenMail } = require(process.argv[1]);
startGreenMail().then((m) => {
  console.log(`greenmail: ready — SMTP ${m.smtp.host}:${m.smtp.port}, IMAP ${m.imap.port}, REST API ${m.apiUrl} (GreenMail ${m.version}, pid ${m.pid}, log ${m.logFile})`);
  const stop = () => m.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}, (e) => { console.error(`greenmail: ${e.message}`); process.exit(1); });
' "$SCRIPT_DIR/greenmail-server.cjs"

#!/bin/sh
# The scheduled jobs of the reference deployment (compose.yaml's "scheduler" service): each day at
# SCHEDULE_AT (07:00 by default, in TZ: Europe/London), the reminders (`send_reminders`: officers
# whose returns are due or overdue, the Economy Cell copied) and the removal of ended sessions
# (`clearsessions`). A job that fails is said in the log and tried again the next day; the other
# still runs. SCHEDULE_ONCE=1 runs both once, now, and stops (the tests and a manual run).
set -u
at="${SCHEDULE_AT:-07:00}"

run_jobs() {
  status=0
  for job in send_reminders clearsessions; do
    if python manage.py "$job"; then
      echo "scheduler: $job done at $(date -Iseconds)"
    else
      echo "scheduler: $job FAILED at $(date -Iseconds)" >&2
      status=1
    fi
  done
  return $status
}

if [ "${SCHEDULE_ONCE:-0}" = "1" ]; then
  run_jobs
  exit $?
fi

while :; do
  now=$(date +%s)
  next=$(date -d "today $at" +%s)
  [ "$next" -gt "$now" ] || next=$(date -d "tomorrow $at" +%s)
  echo "scheduler: next run at $(date -d "@$next" -Iseconds)"
  sleep $((next - now))
  run_jobs || true
done

#!/usr/bin/env bash
# The nightly pact job of a social-services department: score the day's export of assessments
# from the case-management system, keep an audit record of every result, check the audit chain,
# and publish the caseload report and the list of cases to contact first.
#
#   nightly_batch.sh EXPORT.csv ARCHIVE_DIR
#
# From cron, at 02:30, logging to a file:
#   30 2 * * *  /opt/pact/nightly_batch.sh /srv/sauss/export/assessments.csv /srv/pact >> /var/log/pact-nightly.log 2>&1
#
# Exit status (for cron's mail or the monitoring system): 0 all done; 1 done, but some rows were
# rejected (ARCHIVE_DIR/<night>/rejected.csv lists them for the data owners); 2 to 4 pact's own
# failures, passed on (2 a wrong command line; 3 an input or output that cannot be used, an audit
# log whose hash chain is broken included, since pact score refuses to extend it; 4 a defect in
# pact); 5 tonight's results do not match the audit log. From 2 on, nothing is published.
# The walk-through is docs/tutorials/nightly-batch.md.

set -u -o pipefail  # not -e: every exit status of pact is looked at below

export_csv=$1
archive=$2
night=${NIGHT:-$(date -u +%F)}  # NIGHT=YYYY-MM-DD reruns a past night
out="$archive/$night"
log() { echo "pact-nightly $night: $*"; }

# One run at a time: a slow night must not overlap the next.
mkdir -p "$out"
exec 9>"$archive/.lock"
if ! flock -n 9; then
  log "another run holds $archive/.lock; stopping"
  exit 3
fi

# 1. Score. Results as JSON Lines (they carry each item's response, so that the audit check can
#    recompute every input digest), rejected rows to the errors file, one audit record per
#    result appended to the service's audit log, which grows night after night as one chain.
pact score --input "$export_csv" --output "$out/results.jsonl" \
           --errors "$out/rejected.csv" --audit "$archive/audit.jsonl" --quiet
status=$?
case $status in
  0) log "every row scored" ;;
  1) log "WARNING: $(($(wc -l < "$out/rejected.csv") - 1)) rows rejected, listed in $out/rejected.csv:"
     tail -n +2 "$out/rejected.csv" | tr -d '\r' | sed 's/^/    /' ;;  # CSV lines end in CRLF
  *) log "ERROR: pact score failed with status $status; nothing published"
     exit "$status" ;;
esac
rows_status=$status

# 2. Tonight's results must be the ones the audit log records, and its hash chain whole (pact
#    score has refused to extend a broken one already). A problem means that the log or the
#    results were altered: stop, publish nothing, call someone.
if ! problems=$(pact audit verify --log "$archive/audit.jsonl" --results "$out/results.jsonl" 2>&1); then
  log "ERROR: the audit log does not verify; nothing published:"
  echo "$problems" | sed 's/^/    /'
  exit 5
fi
log "audit log verified: $(wc -l < "$archive/audit.jsonl") records"

# 3. The caseload report for the teams, by territory (self-contained HTML), and the cases each
#    territory's team can contact first this week, within its capacity. Both read the export
#    again and skip the rejected rows (their status 1 repeats step 1's news; 2 and above is a
#    failure).
pact report --input "$export_csv" --output "$out/report.html" --by territory --lang es 2> "$out/report.log"
status=$?
if ((status > 1)); then
  log "ERROR: pact report failed with status $status"
  exit "$status"
fi
pact prioritise --input "$export_csv" --output "$out/contact-list.csv" --as-of "$night" --by territory \
                --capacity-by leon=4 --capacity-by salamanca=3 --capacity-by valladolid=6 2> "$out/prioritise.log"
status=$?
if ((status > 1)); then
  log "ERROR: pact prioritise failed with status $status"
  exit "$status"
fi
log "published $out/report.html and $out/contact-list.csv ($(awk -F, 'NR > 1 && $2 == 1' "$out/contact-list.csv" | wc -l) cases to contact)"

# 4. Keep 90 nights of outputs; the audit log is never deleted.
find "$archive" -mindepth 1 -maxdepth 1 -type d -name '20[0-9][0-9]-*' -mtime +90 -exec rm -r {} +

log "done (exit $rows_status)"
exit "$rows_status"

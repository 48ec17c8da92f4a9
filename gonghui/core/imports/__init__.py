"""The shared spreadsheet import pipeline (issue 2, part 5).

upload → checks (real spreadsheet by content, size, zip bomb, row limit) → header found
below titles and merged cells → every row parsed and validated into Chinese errors with row
numbers → preview → commit as a background task (all-or-nothing or skip-invalid) with
progress → error sheet (.xlsx with 错误原因). Re-importing a file changes nothing.

A commit survives its worker: each run holds the job by a heartbeat, skip-invalid batches
record themselves on the job in their own transaction, and `gonghui db_worker` takes over a
job whose heartbeat stopped, carrying on after its last committed batch (lease.py;
services.import_recover_stale, import_resume for 继续导入).

Declaring a new kind: see spec.py. Modules: reader (formats, safety), header, normalise,
parsers, spec, registry, pipeline (the passes), lease (heartbeat and takeover), services
(the writes), selectors, tasks, views/urls/templates. The ImportJob model lives in the core
app (models.py here).
"""

"""The outbox: queued digests and updates, sent to Telegram within its limits.

Producers (the scheduler tick's digests, the update fan-out) only write rows into
`storage.deliveries`; everything here reads them back and sends them, so a restart resumes
where the last run stopped.

* `transport`: what the sender talks to (a Telegram front end, or a test's stand-in) and
  the errors it raises, one class per thing to do about them.
* `pacing`: the global rate and the per-chat and per-group limits every attempt waits for.
* `policy`: what to do about a failed send, as a pure function of the error and the tries.
* `progress`: the group commit of what each message accomplished.
* `run`: one pass over the due deliveries: a producer, a bounded window, a worker pool.
* `sender`: the long-lived sender the runner drives: its settings, pacers and stop switch.
"""

"""Background work that runs on its own: the periodic jobs (the table in
``unionhall.jobs.table``) and the task queue, both run by one long-lived
process, ``manage.py worker``, so production needs no cron."""

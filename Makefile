# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
MEMBERS ?= 2000

.PHONY: install demo demo-totp test test-fast bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

# The demo runs on its own SQLite file, built afresh each time. While it is
# served, its mail goes over SMTP to a sink on loopback that keeps each message
# as a .eml file in var/mail-sink/ (mail sent while building goes to var/mail/).
DEMO_ENV := DEBUG=true DATABASE_URL=sqlite:///$(CURDIR)/var/demo.sqlite3 BASE_URL=http://127.0.0.1:$(PORT)
SMTP_PORT ?= 1025
DEMO_SMTP := EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend EMAIL_HOST=127.0.0.1 EMAIL_PORT=$(SMTP_PORT) EMAIL_USE_TLS=false

demo: install
	mkdir -p var && rm -rf var/demo.sqlite3 var/demo.sqlite3-wal var/demo.sqlite3-shm var/mail var/mail-sink var/sms var/demo-trustees var/audit-witness
	$(DEMO_ENV) $(PY) manage.py migrate --noinput -v 0
	$(DEMO_ENV) $(PY) manage.py demo --members $(MEMBERS)
	$(DEMO_ENV) $(PY) manage.py audit_witness --to var/audit-witness --no-email
	@echo "Serving on http://127.0.0.1:$(PORT)/ (Ctrl-C stops it); mail goes to var/mail-sink/"
	$(DEMO_ENV) $(PY) manage.py mail_sink --port $(SMTP_PORT) --dir var/mail-sink & sink=$$!; \
	trap 'kill $$sink 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(DEMO_SMTP) $(PY) manage.py runserver --noreload 127.0.0.1:$(PORT)

demo-totp: install
	@$(DEMO_ENV) $(PY) manage.py demo_totp

test: install
	$(PY) -m pytest

test-fast: install
	$(PY) -m pytest -m "not browser"

bench: install
	@for f in bench/bench_*.py; do echo "== $$f" >&2; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) demo.sqlite3 var/

# Supportdesk: `make run` installs and runs it; `make test` installs and runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test install install-test system-packages lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test]'
	touch $@

install: $(VENV)/.installed

# A secret key is made once under var/ unless SECRET_KEY or SECRET_KEY_FILE is given.
run: install
	@mkdir -p var
	@[ -n "$$SECRET_KEY$$SECRET_KEY_FILE" ] || [ -s var/secret.key ] || \
		$(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret.key
	@export EMAIL_BACKEND=$${EMAIL_BACKEND:-$$( [ -n "$$EMAIL_HOST" ] && echo django.core.mail.backends.smtp.EmailBackend || echo django.core.mail.backends.filebased.EmailBackend )}; \
	export SECRET_KEY_FILE=$${SECRET_KEY_FILE:-$$( [ -z "$$SECRET_KEY" ] && echo var/secret.key )}; \
	export SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}; \
	set -e; \
	$(BIN)/supportdesk migrate --noinput --verbosity 0; \
	if [ ! -f var/static.stamp ] || [ -n "$$(find src -path '*/static/*' -newer var/static.stamp -print -quit)" ]; then \
		$(BIN)/supportdesk collectstatic --noinput --verbosity 0 && touch var/static.stamp; fi; \
	$(BIN)/supportdesk demo --if-empty; \
	exec $(BIN)/supportdesk serve --port $(PORT)

system-packages:
	bash scripts/system-packages.sh

test: install system-packages
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) var

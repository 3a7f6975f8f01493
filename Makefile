# Ortaq — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app app
STAMP  := $(VENV)/.installed
HTMX_VERSION := 2.0.11
AXE_VERSION  := 4.11.4

.PHONY: run test setup messages update-messages vendor check-vendor demo clean test-sqlite test-postgres

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP) messages

messages: $(STAMP)
	$(BIN)/pybabel -q compile -d civic/translations

update-messages: $(STAMP)
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o civic/translations/messages.pot --no-location --sort-output --project=Ortaq civic
	$(BIN)/pybabel -q update -i civic/translations/messages.pot -d civic/translations --no-fuzzy-matching --ignore-obsolete

run: setup
	$(FLASK) db upgrade
	$(FLASK) civic demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

test: setup check-vendor
	$(BIN)/python -m pytest -q -m "not redis"

# The vendored htmx and axe-core come from the npm registry at pinned versions;
# their sha256 sums are in the *.sha256 files next to them.
vendor:
	rm -rf .vendor-tmp && mkdir .vendor-tmp
	cd .vendor-tmp && npm pack --silent htmx.org@$(HTMX_VERSION) axe-core@$(AXE_VERSION) >/dev/null
	tar -xzf .vendor-tmp/htmx.org-$(HTMX_VERSION).tgz -C .vendor-tmp package/dist/htmx.min.js
	cp .vendor-tmp/package/dist/htmx.min.js civic/static/vendor/htmx.min.js
	tar -xzf .vendor-tmp/axe-core-$(AXE_VERSION).tgz -C .vendor-tmp package/axe.min.js
	cp .vendor-tmp/package/axe.min.js tests/browser/vendor/axe.min.js
	rm -rf .vendor-tmp
	cd civic/static/vendor && sha256sum htmx.min.js > htmx.min.js.sha256 && echo "htmx.org $(HTMX_VERSION)" > VERSION
	cd tests/browser/vendor && sha256sum axe.min.js > axe.min.js.sha256 && echo "axe-core $(AXE_VERSION)" > VERSION

check-vendor:
	cd civic/static/vendor && sha256sum --quiet -c htmx.min.js.sha256
	cd tests/browser/vendor && sha256sum --quiet -c axe.min.js.sha256

demo: setup
	$(FLASK) db upgrade
	$(FLASK) civic demo

clean:
	rm -rf $(VENV) .pytest_cache

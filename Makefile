# The two commands of the README, and a few conveniences.
MVNW := ./mvnw -B

.PHONY: run test format bench wheel

# Build the runtime and serve examples/functions on http://127.0.0.1:8000 (no cluster, Redis or MongoDB),
# under TZ=UTC like the image (the tour's answers assume it; GF_TZ overrides), reachable from this
# machine only (QUARKUS_HTTP_HOST=0.0.0.0 opens it to the network, as the image does).
run:
	$(MVNW) -q -pl runtime-image -am package -DskipTests
	GF_FUNCTIONS_DIR=examples/functions QUARKUS_HTTP_PORT=$${QUARKUS_HTTP_PORT:-8000} \
	  QUARKUS_HTTP_HOST=$${QUARKUS_HTTP_HOST:-127.0.0.1} \
	  TZ=$${GF_TZ:-UTC} java -jar runtime-image/target/quarkus-app/quarkus-run.jar

# Install what tests need (redis-server, ...) and run every test.
test:
	bash scripts/install-test-deps.sh
	$(MVNW) verify
	bash scripts/python-tests.sh

format:
	$(MVNW) -q spotless:apply

# Build the Python client's wheel (clients/python/dist, or WHEEL_DIR=...) in the cached test venv.
WHEEL_DIR ?= clients/python/dist
wheel:
	"$$(bash scripts/python-env.sh)/bin/python" -m build --wheel --outdir "$(WHEEL_DIR)" clients/python

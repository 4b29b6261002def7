# A small image that checks a mounted tree:  docker run --rm -v "$PWD:/src" portlint
# Built in two stages so the image holds the installed package, not the build tools.
FROM python:3.12-slim AS build
WORKDIR /build
COPY pyproject.toml README.md ./
COPY src ./src
COPY docs/rules ./docs/rules
COPY policies ./policies
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels . \
 && pip wheel --no-cache-dir --wheel-dir /wheels PyYAML jsonschema crossplane

FROM python:3.12-slim
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels portlint \
 && rm -rf /wheels \
 && useradd --create-home --uid 10001 portlint
USER portlint
WORKDIR /src
ENTRYPOINT ["portlint"]
CMD ["check", "/src"]

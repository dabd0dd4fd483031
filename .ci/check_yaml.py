"""Reads the generated YAML documents as YAML 1.1 readers (PyYAML) do, and fails if any value
is not a JSON type: an unquoted timestamp becomes a date there, `yes` a boolean, and tools built
on PyYAML (schemathesis, openapi-python-client) would then see a different contract."""

import sys

import yaml


def walk(value, at):
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                sys.exit(f"{at}: key {key!r} reads as {type(key).__name__}, not a string")
            walk(item, f"{at}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            walk(item, f"{at}/{index}")
    elif value is not None and not isinstance(value, (str, int, float, bool)):
        sys.exit(f"{at}: {value!r} reads as {type(value).__name__}, not a JSON value")


for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as file:
        walk(yaml.safe_load(file), path)
    print(f"{path}: every value reads as JSON under YAML 1.1")

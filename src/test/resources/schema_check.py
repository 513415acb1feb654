# Validates each YAML config file named on the command line against a JSON Schema with Python's
# jsonschema (Debian's python3-jsonschema), the config read by PyYAML (python3-yaml) as an editor's
# YAML language server would. Prints, a line per file, "valid" or "invalid" and the first error.
# Test fixture only.
import json
import sys

import jsonschema
import yaml

with open(sys.argv[1], encoding="utf-8") as f:
    schema = json.load(f)
validator = jsonschema.validators.validator_for(schema)(schema)
for name in sys.argv[2:]:
    with open(name, encoding="utf-8") as f:
        try:
            document = yaml.safe_load(f)
        except yaml.YAMLError as e:
            print("unreadable\t" + str(e).replace("\n", " "))
            continue
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        print("invalid\t" + "/".join(str(p) for p in e.path) + ": " + e.message.replace("\n", " "))
    else:
        print("valid")

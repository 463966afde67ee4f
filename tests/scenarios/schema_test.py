"""scenarios.schema: the JSON Schema that `connsim schema` generates from the loader's key tables.

Checks, with a validator from Debian (python3-jsonschema, scripts/install-deps.sh):
  1. the schema is a valid draft 2020-12 schema;
  2. it accepts every library, bench and example scenario;
  3. it rejects every hostile-input file (tests/scenarios/hostile), except those whose fault no
     JSON Schema can express (NOT_EXPRESSIBLE below, each with the reason; the test also checks
     that the schema does accept those, so the list stays true). A file that is not JSON at all
     (RFC 8259: no NaN, no byte-order mark, UTF-8) is rejected before any schema applies;
  4. the key tables of scenarios/FORMAT.md name exactly the keys of the descriptors.

usage: schema_test.py CONNSIM_BINARY SOURCE_DIR
"""
import glob
import json
import os
import re
import subprocess
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("schema_test: needs python3-jsonschema (scripts/install-deps.sh installs it)")

# Hostile files the schema accepts, and why no schema could reject them.
NOT_EXPRESSIBLE = {
    "absurd-until.json": "the size of a time written as a string (\"99999999999h\" > 720h): "
                         "a pattern sees digits and a unit, not the duration they make",
    "duplicate-id.json": "ids unique across wallets and relays: uniqueItems compares whole "
                         "items, not one key of objects in two different arrays",
    "unknown-wallet.json": "a reference to a wallet the file defines: a schema cannot refer "
                           "from a value to the set of ids elsewhere in the document",
    "expansion-bomb.json": "the loader's expansion budget (ids times relays, summed over the "
                           "file): arithmetic over the whole document",
    "periodic-bomb.json": "the run budget (activities x wallets before `until`): arithmetic "
                          "over several values",
}

failures = []


def fail(message):
    failures.append(message)
    print("FAIL:", message)


def reject_constant(name):
    raise ValueError("not JSON: " + name)


def load_strict(path):
    """The file as JSON (RFC 8259), or None when it is not JSON."""
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8")
        return json.loads(text, parse_constant=reject_constant)
    except (ValueError, UnicodeDecodeError):
        return None


def main():
    connsim, source = sys.argv[1], sys.argv[2]
    schema = json.loads(subprocess.run([connsim, "schema"], check=True, capture_output=True,
                                       text=True).stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    accepted = sorted(glob.glob(os.path.join(source, "scenarios/library/*.json")) +
                      glob.glob(os.path.join(source, "bench/scenarios/*.json")) +
                      glob.glob(os.path.join(source, "examples/*.json")))
    if len(accepted) < 10:
        fail("found only %d scenario files under %s" % (len(accepted), source))
    for path in accepted:
        errors = list(validator.iter_errors(load_strict(path)))
        if errors:
            fail("%s: rejected: %s: %s" % (path, errors[0].json_path, errors[0].message[:200]))

    for path in sorted(glob.glob(os.path.join(source, "tests/scenarios/hostile/*"))):
        name = os.path.basename(path)
        document = load_strict(path)
        if document is None:
            print("not JSON (rejected before any schema):", name)
            continue
        valid = validator.is_valid(document)
        if name in NOT_EXPRESSIBLE:
            if not valid:
                fail("%s: listed as not expressible, but the schema rejects it" % name)
            else:
                print("accepted, not expressible in a schema:", name, "-", NOT_EXPRESSIBLE[name])
        elif valid:
            fail("%s: the schema accepts a hostile file" % name)
        else:
            print("rejected by the schema:", name)

    check_format_tables(schema, os.path.join(source, "scenarios/FORMAT.md"))
    if failures:
        sys.exit("%d failures" % len(failures))
    print("schema: ok")


def tables_by_heading(markdown):
    """heading -> list of tables (each a list of rows, each a list of cells)."""
    out, heading, table = {}, None, None
    for line in markdown.splitlines():
        if line.startswith("#"):
            heading, table = line.lstrip("#").strip(), None
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if table is None:
                table = [cells]
                out.setdefault(heading, []).append(table)
            elif all(re.fullmatch(r"-+", c) for c in cells):
                continue
            else:
                table.append(cells)
        else:
            table = None
    return out


def code_spans(cell):
    """Backticked words of a cell, without quoted values ("recipient") and numbers."""
    return [t for t in re.findall(r"`([^`]+)`", cell) if not t.startswith('"') and
            not re.fullmatch(r"[0-9.]+", t)]


def keys_of(object_schema, dotted_parents):
    """Key paths of an object's descriptors: its keys, and `key.sub` for each object-valued key
    that the documentation writes with dots."""
    keys = set()
    for key, value in object_schema["properties"].items():
        keys.add(key)
        if key in dotted_parents and value.get("type") == "object" and "properties" in value:
            keys.update(key + "." + sub for sub in value["properties"])
    return keys


def compare(where, documented, object_schema):
    described = keys_of(object_schema, {k.split(".")[0] for k in documented if "." in k})
    nested = {k for k in described if "." in k}
    parents = {k.split(".")[0] for k in nested}
    # A nested object may be documented by its dotted keys alone.
    missing = sorted(k for k in described - documented if k not in parents)
    unknown = sorted(documented - described)
    if missing:
        fail("FORMAT.md %s: keys not documented: %s" % (where, ", ".join(missing)))
    if unknown:
        fail("FORMAT.md %s: documented keys that do not exist: %s" % (where, ", ".join(unknown)))


def first_column(tables):
    return {k for table in tables for row in table[1:] for k in code_spans(row[0])}


def check_format_tables(schema, path):
    with open(path, encoding="utf-8") as f:
        tables = tables_by_heading(f.read())
    props = schema["properties"]
    wallet = props["wallets"]["items"]
    sections = {
        "Top level": schema,
        "`network`": props["network"],
        "relay": props["network"]["properties"]["relays"]["items"],
        "`wallets`": wallet,
        "`store`": wallet["properties"]["store"],
        "`sdk` (*extension*)": wallet["properties"]["sdk"],
    }
    for heading, object_schema in sections.items():
        if heading not in tables:
            fail("FORMAT.md has no key table under the heading %r" % heading)
            continue
        compare(heading, first_column(tables[heading][:1]), object_schema)

    # The timeline: the keys every step accepts, then each action's own keys.
    steps = {}
    for branch in props["timeline"]["items"]["allOf"]:
        steps[branch["if"]["properties"]["do"]["const"]] = set(branch["then"]["properties"])
    common = set.intersection(*steps.values())
    timeline = tables.get("`timeline`", [])
    if len(timeline) != 2:
        fail("FORMAT.md `timeline`: expected two tables (common keys, actions)")
        return
    documented_common = first_column(timeline[:1])
    if documented_common != common:
        fail("FORMAT.md `timeline`: common keys %s, descriptors %s" %
             (sorted(documented_common), sorted(common)))
    documented_actions = set()
    for row in timeline[1][1:]:
        for action in code_spans(row[0]):
            documented_actions.add(action)
            own = set(code_spans(row[1]))
            if action not in steps:
                fail("FORMAT.md `timeline`: unknown action %s" % action)
            elif own != steps[action] - common:
                fail("FORMAT.md `timeline`: %s documents %s, descriptors %s" %
                     (action, sorted(own), sorted(steps[action] - common)))
    if documented_actions != set(steps):
        fail("FORMAT.md `timeline`: actions not documented: %s" %
             sorted(set(steps) - documented_actions))


if __name__ == "__main__":
    main()

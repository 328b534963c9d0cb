"""Writes events/schemas/<kind>.schema.json (JSON Schema draft 2020-12, one per payload kind)
and checks every example and every fixture line against them.

Run from the crate root: python3 events/generate_schemas.py
The Rust parser (src/domain/event.rs) is the authority; these schemas describe the same
rules for outside tools, except checks that need the ledger's state (see CATALOGUE.md).
"""
import glob
import json
import os

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
BASE = "https://malbok.example/events/schemas/"

DEFS = {
    "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9._-]*$", "minLength": 1, "maxLength": 64,
           "description": "A readable id chosen by the user; ids are unique across the ledger."},
    "text": {"type": "string", "minLength": 1, "pattern": "\\S",
             "description": "Verbatim text; no control characters except newline."},
    "date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
             "description": "A calendar date YYYY-MM-DD, years 1900-2200."},
    "decimal": {"type": "string", "pattern": "^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$",
                "description": "An exact decimal as a string; never a JSON number. -0 is refused."},
    "period": {"type": "object", "additionalProperties": False, "required": ["from", "to"],
               "properties": {"from": {"$ref": "#/$defs/date"}, "to": {"$ref": "#/$defs/date"}},
               "description": "Closed interval, both days included; to >= from."},
    "decision": {"type": "string", "pattern": "^\\S+( \\S+)* [0-9]{4}-[0-9]{2}-[0-9]{2} § [1-9][0-9]*$",
                 "description": "Decision reference: body, ISO date, paragraph: \"KF 2020-10-19 § 147\"."},
    "reason": {"$ref": "#/$defs/text", "description": "Why the change was made, verbatim."},
    "kpi": {"type": "string", "pattern": "^[A-Z][0-9]{5}$", "description": "Kolada KPI id, e.g. N31848."},
    "kolada_id": {"type": "string", "pattern": "^[0-9]{4}$", "description": "Kolada municipality id, e.g. 0125."},
    "timestamp": {"type": "string", "format": "date-time", "description": "RFC 3339 time."},
    "unit": {"enum": ["percent", "count", "per_10000", "index", "score", "years", "days", "sek", "milestone", "other"]},
    "direction": {"enum": ["increase", "decrease", "reach"]},
    "comparison": {"enum": [">=", ">", "<=", "<", "="]},
    "trend": {"enum": ["improved", "unchanged", "worse"]},
    "source_kind": {"enum": ["kolada", "survey", "internal", "document", "other"]},
    "indicator_source": {
        "type": "object", "additionalProperties": False, "required": ["kind"],
        "properties": {"kind": {"$ref": "#/$defs/source_kind"}, "description": {"$ref": "#/$defs/text"},
                       "kolada_kpis": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/kpi"}}},
        "if": {"properties": {"kind": {"const": "kolada"}}},
        "then": {"required": ["kolada_kpis"]}, "else": {"required": ["description"]},
    },
    "reading_source": {
        "type": "object", "additionalProperties": False, "required": ["kind"],
        "properties": {"kind": {"$ref": "#/$defs/source_kind"}, "description": {"$ref": "#/$defs/text"},
                       "kolada_kpi": {"$ref": "#/$defs/kpi"}, "kolada_municipality": {"$ref": "#/$defs/kolada_id"},
                       "url": {"$ref": "#/$defs/text"}, "file": {"$ref": "#/$defs/text"},
                       "fetched_at": {"$ref": "#/$defs/timestamp"}},
        "if": {"properties": {"kind": {"const": "kolada"}}},
        "then": {"required": ["kolada_kpi", "fetched_at"], "anyOf": [{"required": ["url"]}, {"required": ["file"]}]},
        "else": {"required": ["description"]},
    },
    "baseline": {"type": "object", "additionalProperties": False, "required": ["value"],
                 "properties": {"value": {"$ref": "#/$defs/decimal"}, "period": {"$ref": "#/$defs/period"}}},
    "level": {"type": "object", "additionalProperties": False, "required": ["name"],
              "properties": {"name": {"$ref": "#/$defs/text"}, "comparison": {"$ref": "#/$defs/comparison"},
                             "threshold": {"$ref": "#/$defs/decimal"}},
              "dependentRequired": {"comparison": ["threshold"], "threshold": ["comparison"]}},
    "levels": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/level"},
               "description": "Least to most ambitious; names unique."},
    "grade": {"type": "object", "additionalProperties": False, "required": ["code", "label"],
              "properties": {"code": {"$ref": "#/$defs/id"}, "label": {"$ref": "#/$defs/text"},
                             "symbol": {"$ref": "#/$defs/text"},
                             "plural": {"$ref": "#/$defs/text"}}},
    "bodies": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"$ref": "#/$defs/id"}},
    "score": {"type": "string", "pattern": "^-?(0|[1-9][0-9]{0,6})(\\.[0-9]{1,6})?$",
              "description": "A method's score or minimum: an exact decimal from -1000000 to 1000000 with at "
                             "most six decimals (the parser also checks the bound)."},
    "count": {"type": "integer", "minimum": 0, "maximum": 9007199254740991,
              "description": "A number of goals, a JSON integer."},
    "published_counts": {"type": "array", "items": {
        "type": "object", "additionalProperties": False, "required": ["grade", "count"],
        "properties": {"grade": {"$ref": "#/$defs/id"}, "count": {"$ref": "#/$defs/count"}}},
        "description": "Goals per grade as the document states them; each grade once."},
    "hash": {"type": "string", "pattern": "^[0-9a-f]{64}$", "description": "A BLAKE3 hash, 64 lowercase hex digits."},
    "provenance": {"type": "object", "additionalProperties": False,
                   "properties": {"document": {"$ref": "#/$defs/text"}, "section": {"$ref": "#/$defs/text"},
                                  "page": {"$ref": "#/$defs/text"}, "quote": {"$ref": "#/$defs/text"},
                                  "interpretation": {"$ref": "#/$defs/text"}},
                   "anyOf": [{"required": ["document"]}, {"required": ["interpretation"]}],
                   "description": "Where the event's facts come from (document, section, page, the exact quote), "
                                  "or an interpretation with the reasoning; optional on every kind."},
    "goals": {"type": "array", "uniqueItems": True, "items": {"$ref": "#/$defs/id"}},
}

R = lambda name: {"$ref": f"#/$defs/{name}"}  # noqa: E731
BASIS = {"decision": R("decision"), "reason": R("reason")}
NEEDS_BASIS = {"anyOf": [{"required": ["decision"]}, {"required": ["reason"]}]}


def obj(required, props, description, extra=None):
    # Every kind may carry a provenance (read once for all kinds by DomainEvent::parse).
    props = {**props, "provenance": R("provenance")}
    s = {"type": "object", "additionalProperties": False, "required": required, "properties": props,
         "description": description}
    s.update(extra or {})
    return s


def at_least_one(*fields):
    return {"anyOf": [{"required": [f]} for f in fields]}


KINDS = {
    "organisation.registered": obj(["id", "name"], {"id": R("id"), "name": R("text"), "kolada_id": R("kolada_id")},
                                   "A municipality or region the ledger keeps goals for."),
    "body.registered": obj(["id", "organisation", "name"],
                           {"id": R("id"), "organisation": R("id"), "name": R("text"), "abbreviation": R("text")},
                           "A political body of an organisation."),
    "plan.adopted": obj(["id", "organisation", "body", "title", "period"],
                        {"id": R("id"), "organisation": R("id"), "body": R("id"), "title": R("text"),
                         "period": R("period"), **BASIS},
                        "A programme of goals adopted by a body for a period.", NEEDS_BASIS),
    "plan.revised": obj(["plan", "effective"],
                        {"plan": R("id"), "effective": R("date"), "title": R("text"), "period": R("period"),
                         "note": R("text"), **BASIS},
                        "A revision of a plan as a whole.",
                        {"allOf": [NEEDS_BASIS, at_least_one("title", "period", "note")]}),
    "goal.defined": obj(["id", "plan", "text", "bodies"],
                        {"id": R("id"), "plan": R("id"), "number": R("text"), "text": R("text"),
                         "description": R("text"), "area": R("text"), "parent": R("id"), "bodies": R("bodies"),
                         "source_plan": R("id"), "effective": R("date"), **BASIS},
                        "A goal of a plan."),
    "goal.revised": obj(["goal", "effective"],
                        {"goal": R("id"), "effective": R("date"), "number": R("text"), "text": R("text"),
                         "description": R("text"), "area": R("text"), "parent": R("id"), "bodies": R("bodies"),
                         **BASIS},
                        "A new version of a goal from a date.",
                        {"allOf": [NEEDS_BASIS, at_least_one("number", "text", "description", "area", "parent", "bodies")]}),
    "goal.retired": obj(["goal", "effective"], {"goal": R("id"), "effective": R("date"), **BASIS},
                        "The goal no longer applies from a date.", NEEDS_BASIS),
    "indicator.defined": obj(["id", "goal", "text", "unit", "direction"],
                             {"id": R("id"), "goal": R("id"), "text": R("text"), "area": R("text"), "unit": R("unit"),
                              "unit_label": R("text"), "direction": R("direction"), "source": R("indicator_source"),
                              "baseline": R("baseline"), "effective": R("date"), **BASIS},
                             "A measure of a goal.",
                             {"if": {"properties": {"unit": {"const": "other"}}}, "then": {"required": ["unit_label"]}}),
    "indicator.revised": obj(["indicator", "effective"],
                             {"indicator": R("id"), "effective": R("date"), "text": R("text"), "area": R("text"),
                              "unit": R("unit"), "unit_label": R("text"), "direction": R("direction"),
                              "source": R("indicator_source"), "baseline": R("baseline"), **BASIS},
                             "A new version of an indicator from a date.",
                             {"allOf": [NEEDS_BASIS, at_least_one("text", "area", "unit", "unit_label", "direction", "source", "baseline")]}),
    "indicator.retired": obj(["indicator", "effective"], {"indicator": R("id"), "effective": R("date"), **BASIS},
                             "The indicator no longer applies from a date.", NEEDS_BASIS),
    "target.set": obj(["id", "indicator", "levels", "effective"],
                      {"id": R("id"), "indicator": R("id"), "text": R("text"), "levels": R("levels"),
                       "deadline": R("date"), "effective": R("date"), "contrary": {"const": True}, **BASIS},
                      "What an indicator must reach, by when, in force from a date."),
    "target.revised": obj(["target", "effective"],
                          {"target": R("id"), "effective": R("date"), "text": R("text"), "levels": R("levels"),
                           "deadline": R("date"), "contrary": {"const": True}, **BASIS},
                          "A new version of a target in force from a date.",
                          {"allOf": [NEEDS_BASIS, at_least_one("text", "levels", "deadline")]}),
    "target.retired": obj(["target", "effective"], {"target": R("id"), "effective": R("date"), **BASIS},
                          "The target is no longer in force from a date.", NEEDS_BASIS),
    "reading.recorded": obj(["indicator", "period", "value", "source"],
                            {"indicator": R("id"), "period": R("period"), "value": R("decimal"),
                             "source": R("reading_source"), "comment": R("text")},
                            "A measured value of an indicator for a period."),
    "reading.corrected": obj(["corrects", "indicator", "value"],
                             {"corrects": {"type": "integer", "minimum": 1, "maximum": 9007199254740991},
                              "indicator": R("id"), "value": R("decimal"), "source": R("reading_source"),
                              "comment": R("text"), **BASIS},
                             "A new value for the reading at ledger position `corrects`.", NEEDS_BASIS),
    "reading.not_measurable": obj(["indicator", "period", "reason"],
                                  {"indicator": R("id"), "period": R("period"), "reason": R("text"),
                                   "comment": R("text")},
                                  "The indicator could not be measured for a period, and why."),
    "scale.defined": obj(["id", "name", "grades"],
                         {"id": R("id"), "organisation": R("id"), "name": R("text"),
                          "grades": {"type": "array", "minItems": 2, "items": R("grade")},
                          "not_assessable_folded_into": R("id"), "not_assessable": R("grade"),
                          "on_track_from": R("id"),
                          "trend": {"type": "object", "additionalProperties": False,
                                    "required": ["improved", "unchanged", "worse", "not_computable"],
                                    "properties": {k: R("text") for k in
                                                   ["improved", "unchanged", "worse", "not_computable"]},
                                    "description": "How the scale draws trend: arrows, colours or words."}},
                         "The grades assessments use, best first.",
                         {"not": {"required": ["not_assessable_folded_into", "not_assessable"]}}),
    "follow_up.defined": obj(["id", "organisation", "name", "kind", "cut_off"],
                             {"id": R("id"), "organisation": R("id"), "name": R("text"),
                              "kind": {"enum": ["interim", "annual"]}, "cut_off": R("date")},
                             "An occasion at which goals are followed up."),
    "assessment.recorded": obj(["body", "follow_up"],
                               {"body": R("id"), "goal": R("id"), "indicator": R("id"), "follow_up": R("id"),
                                "scale": R("id"), "grade": R("id"), "analysis": R("text"), "trend": R("trend"),
                                **BASIS},
                               "A body's grade and analysis of a goal or an indicator at a follow-up.",
                               {"oneOf": [{"required": ["goal"]}, {"required": ["indicator"]}],
                                "dependentRequired": {"scale": ["grade"], "grade": ["scale"]},
                                "anyOf": [{"required": ["grade"]}, {"required": ["analysis"]}]}),
    "method.defined": obj(["id", "organisation", "scale", "name", "effective", "scores", "goal_grades"],
                          {"id": R("id"), "organisation": R("id"), "scale": R("id"), "name": R("text"),
                           "effective": R("date"),
                           "scores": {"type": "array", "minItems": 1, "items": {
                               "type": "object", "additionalProperties": False, "required": ["grade", "score"],
                               "properties": {"grade": R("id"), "score": R("score")}}},
                           "goal_grades": {"type": "array", "minItems": 1, "items": {
                               "type": "object", "additionalProperties": False, "required": ["grade", "min"],
                               "properties": {"grade": R("id"), "min": R("score")}},
                               "description": "Best first; each min below the one before."},
                           "index": {"type": "object", "additionalProperties": False,
                                     "required": ["aggregation", "decimals", "rounding"],
                                     "properties": {"aggregation": {"enum": ["mean_of_goal_means", "mean_of_indicators"]},
                                                    "decimals": {"type": "string", "pattern": "^[0-6]$"},
                                                    "rounding": {"enum": ["truncate", "half_up", "half_even"]}}},
                           "input": {"enum": ["judged", "computed"]},
                           "definition": R("text"), **BASIS},
                          "How indicator grades become a goal grade and goals an overall index."),
    "summary.recorded": obj(["body", "follow_up", "text"],
                            {"body": R("id"), "follow_up": R("id"), "text": R("text"), "scale": R("id"),
                             "counts": R("published_counts"), "total": R("count"),
                             "index": R("decimal"),
                             "rollups": {"type": "array", "items": {
                                 "type": "object", "additionalProperties": False, "required": ["text"],
                                 "properties": {"text": R("text"), "plan": R("id"), "area": R("text"),
                                                "total": R("count"), "counts": R("published_counts"),
                                                "on_track": R("count")},
                                 "anyOf": [{"required": ["total"]}, {"required": ["counts"]},
                                           {"required": ["on_track"]}],
                                 "not": {"required": ["plan", "area"]}}},
                             **BASIS},
                            "What a body published about a follow-up as a whole: the summary text and, as "
                            "data, the figures it states (counts per grade, total, index, roll-up sentences).",
                            {"dependentRequired": {"counts": ["scale"]}}),
    "template.defined": obj(["id", "organisation", "name", "effective", "columns", "sections"],
                            {"id": R("id"), "organisation": R("id"), "name": R("text"),
                             "follow_up_kind": {"enum": ["interim", "annual"]}, "effective": R("date"),
                             "title": R("text"),
                             "columns": {"type": "array", "minItems": 1, "items": {
                                 "type": "object", "additionalProperties": False, "required": ["kind", "label"],
                                 "properties": {"kind": {"enum": ["goal", "indicator", "grade", "deadline", "comment",
                                                                  "target", "outcomes"]},
                                                "label": R("text"),
                                                "years": {"type": "integer", "minimum": 1, "maximum": 10}}}},
                             "sections": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {
                                 "enum": ["results", "verdicts", "measurements", "attainment", "trend", "bodies",
                                          "summary", "comparison", "published_summary", "method", "forecast",
                                          "changes", "legend"]}},
                             "trend_basis": {"enum": ["same_period", "last_year_outcome"]},
                             **BASIS},
                            "The layout of an organisation's own follow-up document: title, columns, sections."),
    "report.sealed": obj(["follow_up", "format", "head_seq", "head_hash", "report_hash"],
                         {"follow_up": R("id"), "body": R("id"), "format": {"enum": ["md", "json", "csv", "html"]},
                          "head_seq": {"type": "integer", "minimum": 1, "maximum": 9007199254740991},
                          "head_hash": R("hash"), "report_hash": R("hash"),
                          "tree_size": {"type": "integer", "minimum": 1, "maximum": 9007199254740991},
                          "tree_root": {"type": "string", "pattern": "^[0-9a-f]{64}$",
                                        "description": "An RFC 6962 SHA-256 tree root, 64 lowercase hex digits."}},
                         "A report was published: the ledger head it was made from and the hash of its bytes."),
    "promise.made": obj(["promise", "org", "text", "made"],
                        {"promise": R("id"), "org": R("id"), "text": R("text"), "made": R("date"),
                         "goals": R("goals"), "source": R("text")},
                        "A promise (vallöfte, a point of a political platform), tied to goals where the "
                        "document says so."),
    "promise.status_recorded": obj(["promise", "as_of", "status"],
                                   {"promise": R("id"), "as_of": R("date"), "status": R("text"),
                                    "grade": {"type": "object", "additionalProperties": False,
                                              "required": ["scale", "code"],
                                              "properties": {"scale": R("id"), "code": R("id")}},
                                    "body": R("id")},
                                   "How far a promise has come as of a date, in the document's words."),
    "activity.reported": obj(["activity", "org", "goals", "title", "reported"],
                             {"activity": R("id"), "org": R("id"), "goals": {**R("goals"), "minItems": 1},
                              "title": R("text"), "reported": R("date"), "period": R("period"),
                              "body": R("id"),
                              "facts": {"type": "array", "items": {
                                  "type": "object", "additionalProperties": False, "required": ["name", "value"],
                                  "properties": {"name": R("text"), "value": R("text")}}},
                              "summary": R("text"),
                              "decision": {"type": "object", "additionalProperties": False, "required": ["text"],
                                           "properties": {"text": R("text"), "ref": R("decision")}}},
                             "A report on an activity tied to goals: its facts (capacity, staffing, ...), "
                             "summary and the decision taken on it."),
}


def main():
    os.makedirs(f"{HERE}/schemas", exist_ok=True)
    schemas = {}
    for kind, body in KINDS.items():
        used = {}
        # Keep only the $defs a schema refers to (transitively), so each file stands alone.
        todo = [json.dumps(body)]
        while todo:
            s = todo.pop()
            for name, d in DEFS.items():
                if f'"#/$defs/{name}"' in s and name not in used:
                    used[name] = d
                    todo.append(json.dumps(d))
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"{BASE}{kind}.schema.json",
                  "title": f"{kind} payload", **body, "$defs": dict(sorted(used.items()))}
        schemas[kind] = schema
        with open(f"{HERE}/schemas/{kind}.schema.json", "w", encoding="utf-8") as f:
            json.dump(schema, f, ensure_ascii=False, indent=2)
            f.write("\n")
    checked = 0
    for kind, schema in schemas.items():
        example = json.load(open(f"{HERE}/examples/{kind}.json", encoding="utf-8"))
        jsonschema.Draft202012Validator(schema).validate(example)
        checked += 1
    for path in glob.glob(f"{HERE}/../fixtures/*/events.jsonl"):
        for line in open(path, encoding="utf-8"):
            ev = json.loads(line)
            jsonschema.Draft202012Validator(schemas[ev["kind"]]).validate(ev["payload"])
            checked += 1
    print(f"{len(schemas)} schemas written; {checked} payloads valid")


if __name__ == "__main__":
    main()

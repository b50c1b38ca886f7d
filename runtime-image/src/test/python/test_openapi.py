"""/q/openapi passes a real OpenAPI validator and has one operation per served function."""

import json
import urllib.request

from openapi_spec_validator import validate


def get_json(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        return json.load(r)


def test_openapi_is_valid_with_one_operation_per_function(runtime):
    doc = get_json(runtime.url + "/q/openapi?format=json")
    validate(doc)  # raises on any violation of the OpenAPI 3.1 specification
    assert doc["openapi"].startswith("3.1")
    functions = get_json(runtime.url + "/v1/functions")
    assert len(functions) >= 10
    operation_ids = set()
    for fn in functions:
        op = doc["paths"]["/v1/functions/%s/%s" % (fn["package"], fn["function"])]["post"]
        operation_ids.add(op["operationId"])
        body = op["requestBody"]["content"]["application/json"]["schema"]
        assert body["type"] == "object"
        assert set(body["properties"]) == set(fn["schema"]["input"]["properties"])
        assert op["responses"]["422"] == {"$ref": "#/components/responses/Problem"}
    assert len(operation_ids) == len(functions)


def test_operations_carry_the_derived_schemas(runtime):
    doc = get_json(runtime.url + "/q/openapi?format=json")
    typed = doc["paths"]["/v1/functions/Test/typed"]["post"]
    assert typed["operationId"] == "Test-typed"
    assert typed["requestBody"]["required"] is True
    body = typed["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["count"]
    assert body["properties"]["count"] == {"type": "integer", "description": "How many."}
    assert body["properties"]["mode"] == {"enum": ["fast", "slow"], "default": "fast"}
    assert body["properties"]["pair"]["prefixItems"] == [{"type": "integer"}, {"type": "string"}]
    result = typed["responses"]["200"]["content"]["application/json"]["schema"]
    assert result["type"] == "object"
    assert result["additionalProperties"] == {"type": "integer"}
    chinese = doc["paths"]["/v1/functions/中文包/求和"]["post"]
    assert chinese["requestBody"]["content"]["application/json"]["schema"]["properties"][
        "数字"
    ] == {
        "type": "array",
        "items": {"type": "integer"},
        "description": "要相加的整数",
    }

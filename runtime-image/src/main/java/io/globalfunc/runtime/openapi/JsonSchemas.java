package io.globalfunc.runtime.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Turns a derived JSON Schema (Jackson tree) into the MicroProfile OpenAPI model, keyword by
 * keyword: sub-schemas become model schemas, every other value (defaults, enums) stays plain data.
 */
final class JsonSchemas {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Keywords whose value is one schema. */
  private static final Set<String> ONE = Set.of("items", "additionalProperties", "not");

  /** Keywords whose value is a list of schemas. */
  private static final Set<String> LIST = Set.of("anyOf", "allOf", "oneOf", "prefixItems");

  private JsonSchemas() {}

  private static List<Schema.SchemaType> types(JsonNode type) {
    List<Schema.SchemaType> out = new ArrayList<>();
    if (type.isArray()) {
      type.forEach(t -> out.add(Schema.SchemaType.valueOf(t.asText().toUpperCase(Locale.ROOT))));
    } else {
      out.add(Schema.SchemaType.valueOf(type.asText().toUpperCase(Locale.ROOT)));
    }
    return out;
  }

  /** The model of {@code schema}; the empty schema (anything) for {@code null}. */
  static Schema toModel(JsonNode schema) {
    if (schema == null || schema.isNull() || schema.isBoolean() && schema.asBoolean()) {
      return OASFactory.createSchema();
    }
    if (schema.isBoolean()) {
      return OASFactory.createSchema().not(OASFactory.createSchema()); // false: nothing is valid
    }
    Schema out = OASFactory.createSchema();
    schema
        .fields()
        .forEachRemaining(
            e -> {
              String key = e.getKey();
              JsonNode value = e.getValue();
              if (key.equals("properties")) {
                Map<String, Schema> properties = new LinkedHashMap<>();
                value
                    .fields()
                    .forEachRemaining(p -> properties.put(p.getKey(), toModel(p.getValue())));
                out.setProperties(properties);
              } else if (key.equals("type")) {
                out.setType(types(value));
              } else if (key.equals("additionalProperties") && value.isBoolean()) {
                out.setAdditionalPropertiesBoolean(value.asBoolean());
              } else if (ONE.contains(key)) {
                out.set(key, toModel(value));
              } else if (LIST.contains(key)) {
                List<Schema> list = new ArrayList<>();
                value.forEach(v -> list.add(toModel(v)));
                out.set(key, list);
              } else {
                out.set(key, JSON.convertValue(value, Object.class));
              }
            });
    return out;
  }
}

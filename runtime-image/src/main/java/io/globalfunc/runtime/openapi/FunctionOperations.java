package io.globalfunc.runtime.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.globalfunc.core.error.Problem;
import io.globalfunc.core.introspect.FunctionInfo;
import io.globalfunc.core.naming.ToolName;
import io.globalfunc.runtime.library.ServedFunction;
import io.globalfunc.runtime.library.ServedLibrary;
import io.quarkus.arc.Arc;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.parameters.RequestBody;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Adds one operation per served function to {@code /q/openapi}: {@code POST
 * /v1/functions/{package}/{function}} instantiated for it, its request body the function's derived
 * JSON Schema, its 200 response the result schema, its errors the problem types. Runs per request,
 * so the document always describes the library being served.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.RUNTIME_PER_REQUEST)
public class FunctionOperations implements OASFilter {

  private static final String JSON = "application/json";
  private static final String PROBLEM_RESPONSE = "#/components/responses/Problem";

  @Override
  public void filterOpenAPI(OpenAPI openAPI) {
    ServedLibrary library = Arc.container().instance(ServedLibrary.class).get();
    library.functions().values().stream()
        .sorted(Comparator.comparing(f -> f.ref().callName()))
        .forEach(fn -> openAPI.getPaths().addPathItem(path(fn), pathItem(fn)));
  }

  /** The concrete path; concrete paths match before the templated one. */
  static String path(ServedFunction fn) {
    return "/v1/functions/" + fn.ref().pkg() + "/" + fn.ref().function();
  }

  private PathItem pathItem(ServedFunction fn) {
    FunctionInfo info = fn.info();
    Operation op =
        OASFactory.createOperation()
            .operationId(ToolName.of(fn.ref()))
            .summary(fn.ref().callName() + summary(info.doc()))
            .description(info.doc())
            .addTag(fn.ref().pkg())
            .requestBody(requestBody(info))
            .responses(responses(info));
    return OASFactory.createPathItem().POST(op);
  }

  private static String summary(String doc) {
    if (doc == null || doc.isBlank()) {
      return "";
    }
    return ": " + doc.strip().lines().findFirst().orElse("");
  }

  private RequestBody requestBody(FunctionInfo info) {
    JsonNode input = info.inputSchema();
    boolean required = input != null && input.path("required").size() > 0;
    return OASFactory.createRequestBody()
        .required(required)
        .description("The keyword arguments")
        .content(json(input));
  }

  private APIResponses responses(FunctionInfo info) {
    APIResponses responses =
        OASFactory.createAPIResponses()
            .addAPIResponse(
                "200",
                OASFactory.createAPIResponse()
                    .description("The function's result, as bare JSON")
                    .content(json(info.outputSchema())));
    TreeSet<Integer> statuses = new TreeSet<>();
    Arrays.stream(Problem.values())
        .filter(p -> p != Problem.UNKNOWN_BATCH)
        .forEach(p -> statuses.add(p.status()));
    for (int status : statuses) {
      APIResponse problem = OASFactory.createAPIResponse().ref(PROBLEM_RESPONSE);
      responses.addAPIResponse(Integer.toString(status), problem);
    }
    return responses;
  }

  private static Content json(JsonNode schema) {
    MediaType media = OASFactory.createMediaType().schema(JsonSchemas.toModel(schema));
    return OASFactory.createContent().addMediaType(JSON, media);
  }
}

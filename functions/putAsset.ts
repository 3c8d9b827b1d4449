// PUT /api/assets/{name}: stores one image (logo, background) under its name for specs to use; idempotent.
import {
  app,
  type HttpRequest,
  type HttpResponseInit,
  type InvocationContext,
} from "@azure/functions";
import { assetContentTypes, checkAssetName, openStorage, storeAsset } from "../jobs";
import { readBinaryBody } from "./host/httpBody";
import { errorResponse } from "./host/httpErrors";
import { triggers } from "./host/triggers";
import { limits } from "../renderer";

export async function putAsset(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  try {
    // The name is checked first: a bad one is refused before the body is read.
    const name = checkAssetName(request.params.name ?? "");
    const body = await readBinaryBody(request, {
      limit: limits.maxAssetBytes,
      contentTypes: assetContentTypes,
    });
    const stored = await storeAsset(await openStorage(), name, body.bytes, {
      declaredType: body.contentType,
    });
    context.info(`asset ${name}: ${stored.status} (${stored.bytes} bytes, ${stored.contentType})`);
    return {
      // 201 only when the name is new; a repeat of the same bytes is 200 "unchanged".
      status: stored.status === "created" ? 201 : 200,
      headers: { "Cache-Control": "no-store" },
      jsonBody: stored,
    };
  } catch (error) {
    return errorResponse(error, context);
  }
}

app.http("putAsset", {
  methods: [...triggers.putAsset.methods],
  route: triggers.putAsset.route,
  authLevel: triggers.putAsset.authLevel,
  handler: putAsset,
});

// PUT /api/assets/{name}: stores one image (logo, background, image param) or brand font under its name for specs and templates to use; idempotent.
import { app } from "@azure/functions";
import { assetContentTypes, checkAssetName, openStorage, storeAsset } from "../jobs";
import { readBinaryBody } from "./host/httpBody";
import { errorResponse } from "./host/httpErrors";
import { triggers } from "./host/triggers";
import type { AppSettings, HttpInitHandler } from "./host/handlerTypes";

export const putAssetHandler = (appSettings: AppSettings): HttpInitHandler =>
  async function putAsset(request, context) {
    try {
      // The name is checked first: a bad one is refused before the body is read.
      const name = checkAssetName(request.params.name ?? "");
      // A brand font may be larger than an image: the limit follows the declared type.
      const body = await readBinaryBody(request, {
        limit: triggers.putAsset.bodyLimitFor(request.headers.get("content-type") ?? undefined),
        contentTypes: assetContentTypes,
      });
      const stored = await storeAsset(await openStorage(appSettings), name, body.bytes, {
        declaredType: body.contentType,
      });
      context.info(
        `asset ${name}: ${stored.status} (${stored.bytes} bytes, ${stored.contentType})`,
      );
      return {
        // 201 only when the name is new; a repeat of the same bytes is 200 "unchanged".
        status: stored.status === "created" ? 201 : 200,
        headers: { "Cache-Control": "no-store" },
        jsonBody: stored,
      };
    } catch (error) {
      return errorResponse(error, context);
    }
  };

app.http("putAsset", {
  methods: [...triggers.putAsset.methods],
  route: triggers.putAsset.route,
  authLevel: triggers.putAsset.authLevel,
  // In Azure the app settings are the environment.
  handler: putAssetHandler(process.env),
});

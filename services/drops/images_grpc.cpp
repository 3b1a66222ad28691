#include "images_grpc.h"

#include "drops_proto.h"
#include "images_app.h"
#include "livedrop/grpc/call.h"
#include "livedrop/grpc/proto_values.h"

namespace livedrop::drops {

::grpc::Status ImagesGrpc::CreateImageUpload(::grpc::ServerContext* ctx,
                                             const v1::CreateImageUploadRequest* req,
                                             v1::CreateImageUploadResponse* resp) {
  return rpc::Serve(ctx, "CreateImageUpload", [&] {
    rpc::RequireActingUser(req->creator_id());
    const auto upload = app_.CreateUpload(req->creator_id(), req->product_id(),
                                          req->content_type(), req->content_length());
    ToProto(upload.image, *resp->mutable_image());
    auto& out = *resp->mutable_upload();
    out.set_method("PUT");
    out.set_url(upload.url);
    for (const auto& [name, value] : upload.headers) (*out.mutable_headers())[name] = value;
    rpc::SetTimestamp(upload.expires_at, out.mutable_expires_at());
  });
}

::grpc::Status ImagesGrpc::CompleteImageUpload(::grpc::ServerContext* ctx,
                                               const v1::CompleteImageUploadRequest* req,
                                               v1::CompleteImageUploadResponse* resp) {
  return rpc::Serve(ctx, "CompleteImageUpload", [&] {
    rpc::RequireActingUser(req->creator_id());
    ToProto(app_.Complete(req->creator_id(), req->product_id(), req->image_id()),
            *resp->mutable_image());
  });
}

::grpc::Status ImagesGrpc::GetProductImage(::grpc::ServerContext* ctx,
                                           const v1::GetProductImageRequest* req,
                                           v1::GetProductImageResponse* resp) {
  return rpc::Serve(ctx, "GetProductImage", [&] {
    ToProto(app_.Get(req->product_id(), req->image_id()), *resp->mutable_image());
  });
}

::grpc::Status ImagesGrpc::DeleteProductImage(::grpc::ServerContext* ctx,
                                              const v1::DeleteProductImageRequest* req,
                                              v1::DeleteProductImageResponse* resp) {
  return rpc::Serve(ctx, "DeleteProductImage", [&] {
    rpc::RequireActingUser(req->creator_id());
    app_.Delete(req->creator_id(), req->product_id(), req->image_id());
  });
}

}  // namespace livedrop::drops

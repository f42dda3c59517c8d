#pragma once
// Building responses from problems and replies (internal to the api module).
#include <string>
#include <string_view>

#include "api/errors.hpp"
#include "api/message.hpp"
#include "service/collections.hpp"

namespace mixtape::api {

response error_response(error_kind k, std::string_view system_message, std::string_view details,
                        std::string trace_id);

// A use case's reply as a response: `ok_status` on success; a problem becomes its
// envelope (details.field for 422/409; for a missing collection or share link,
// details.collection_id or details.share_id = `resource_id`, the path's id).
response to_response(service::reply&& reply, unsigned ok_status, std::string_view resource_id,
                     std::string trace_id);

}  // namespace mixtape::api

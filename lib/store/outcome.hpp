#pragma once
// What applying one mutation did to the store.
namespace mixtape::store {

enum class outcome {
  applied,    // the state changed
  unchanged,  // valid, but nothing to change (e.g. a track already present)
  not_found,  // the collection does not exist (any more)
  full,       // the track limit in the mutation was reached
  precondition_failed,  // a guarded write's If-Match version no longer matched: nothing changed
  blocked,    // the organization written to is frozen or importing: nothing changed
};

}  // namespace mixtape::store

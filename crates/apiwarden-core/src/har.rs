//! HAR 1.2 entries to [`ApiCall`](crate::model::ApiCall). (Being written by the sources helper.)

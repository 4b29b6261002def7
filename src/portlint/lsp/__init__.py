"""`portlint server`: a Language Server (pygls) with the workspace as one model."""

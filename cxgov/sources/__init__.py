"""Sources produce Subjects; nothing downstream knows where a subject came from."""

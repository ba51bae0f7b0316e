# Transcript storage for the support assistant.
resource "aws_s3_bucket" "transcripts" {
  bucket = "cx-transcripts"

  tags = {
    Environment = "prod"
    DataClass   = "personal"
  }
}

resource "aws_s3_bucket_versioning" "transcripts" {
  bucket = aws_s3_bucket.transcripts.id
  versioning_configuration {
    status = "Enabled"
  }
}

"""The same file with MinIO's own Python client, straight to the same MinIO (its multipart
upload). argv: path, endpoint, access key, secret key. Prints {"bytes", "seconds"}."""

import json
import os
import sys
import time
from urllib.parse import urlparse

from minio import Minio

path, endpoint, access, secret = sys.argv[1:5]
url = urlparse(endpoint)
client = Minio(url.netloc, access_key=access, secret_key=secret, secure=url.scheme == "https")
if not client.bucket_exists("bench-direct"):
    client.make_bucket("bench-direct")
started = time.perf_counter()
key = f"{time.time_ns()}.bin"
client.fput_object("bench-direct", key, path)
seconds = time.perf_counter() - started
print(json.dumps({"bytes": os.path.getsize(path), "seconds": seconds, "size": client.stat_object("bench-direct", key).size}))

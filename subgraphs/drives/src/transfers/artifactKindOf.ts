type Kind = 'MEDIA' | 'DATASET' | 'REPORT' | 'MODEL' | 'OTHER';

const DATASET = new Set([
  'text/csv',
  'text/tab-separated-values',
  'application/json',
  'application/x-ndjson',
  'application/vnd.apache.parquet',
  'application/x-parquet',
]);
const REPORT = new Set([
  'application/pdf',
  'text/markdown',
  'text/html',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/msword',
]);
const MODEL = /\.(onnx|safetensors|pt|pth|ckpt|h5|keras|gguf|tflite)$/i;

/** An imported file's artifact kind, from its media type: images, video and sound are MEDIA. */
export function artifactKindOf(mimeType: string, name: string): Kind {
  const type = mimeType.split(';')[0]!.trim().toLowerCase();
  if (/^(image|video|audio)\//.test(type)) return 'MEDIA';
  if (DATASET.has(type) || /\.(parquet|jsonl|tsv)$/i.test(name)) return 'DATASET';
  if (REPORT.has(type)) return 'REPORT';
  if (MODEL.test(name)) return 'MODEL';
  return 'OTHER';
}

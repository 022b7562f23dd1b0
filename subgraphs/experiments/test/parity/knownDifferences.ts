/**
 * Where Jarvis answers differently from MLflow's own server on purpose, and why. A key is a
 * step's name (the whole answer), `step $.json.path`, or `* $.json.path` (any step; list
 * indices left out: `$.experiments[].workspace`). Every other difference fails the parity test.
 */
export const knownDifferences: Record<string, string> = {
  '* $.experiment.workspace':
    "MLflow 3.17's workspaces; Jarvis's projects are its workspaces and are chosen by the caller's key, so experiments do not name one",
  '* $.experiments[].workspace': 'as $.experiment.workspace',
  'log a metric to a finished run':
    "Jarvis refuses logging to a run that has ended (INVALID_STATE: set it RUNNING again first), so a retried write from a worker cannot change a finished result; MLflow's server accepts it",
  'get run with inputs and outputs $.run.data.tags[].value':
    "the mlflow.log-model.history tag holds the same models; MLflow re-serializes them with Python's json (its spacing, model_uuid: null), Jarvis keeps the client's JSON",
  'link a trace to a missing run':
    'MLflow links traces to a run id it does not check; Jarvis answers RESOURCE_DOES_NOT_EXIST, so a typo does not orphan the traces',
  'log an assessment without a name':
    'MLflow stores an assessment named ""; Jarvis refuses it (INVALID_PARAMETER_VALUE), since nothing could find or chart it',
  'download a missing artifact':
    "MLflow's server over S3 answers a missing file with 500 INTERNAL_ERROR (S3's 404 on HeadObject is not mapped; over a local folder it answers 404); Jarvis answers 404 RESOURCE_DOES_NOT_EXIST on every store",
  'server info $.features_enabled.gateway': "MLflow's AI gateway is not part of Jarvis",
  'finalize with a bad status':
    'MLflow stores a status it does not know as LOGGED_MODEL_STATUS_UNSPECIFIED; Jarvis refuses it with INVALID_PARAMETER_VALUE, naming the two statuses a model is finalized with',
  'an unknown v2 route $':
    "MLflow's server answers an HTML page; Jarvis answers MLflow's JSON error (ENDPOINT_NOT_FOUND), which its clients read and report by name",
  'an unknown v3 route $': 'as an unknown v2 route',
  'start trace $.trace.trace_info.tags.team':
    "MLflow's answer to StartTraceV3 leaves out the client's tags when the spans came first (a later get shows them); Jarvis answers the merged trace at once",
};

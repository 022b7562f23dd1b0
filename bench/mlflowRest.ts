/** The MLflow REST API as the benchmarks call it, on MLflow's server or on Jarvis's (same routes). */
export async function mlflowCall<T = Record<string, unknown>>(
  base: string,
  method: 'GET' | 'POST',
  route: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${base}/api/2.0/mlflow/${route}`, {
    method,
    ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${route}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

export const createExperiment = async (base: string, name: string) =>
  (await mlflowCall<{ experiment_id: string }>(base, 'POST', 'experiments/create', { name })).experiment_id;

export const createRun = async (base: string, experimentId: string, runName?: string) =>
  (
    await mlflowCall<{ run: { info: { run_id: string } } }>(base, 'POST', 'runs/create', {
      experiment_id: experimentId,
      start_time: Date.now(),
      ...(runName ? { run_name: runName } : {}),
    })
  ).run.info.run_id;

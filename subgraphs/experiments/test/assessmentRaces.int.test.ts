import { testJarvis } from '@jarvis/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const V3 = '/api/3.0/mlflow';
const TRACE_ID = 'tr-5b8aa5a2d2c872e8321cf37308d69df2';

/** The few fields of MLflow's answers these tests read. */
interface Answer {
  experiment_id?: string;
  assessment?: { assessment_id: string; feedback?: unknown; rationale?: string };
  trace?: { trace_info: { assessments: { assessment_name: string }[] } };
}

/** Reviewers judging one trace at once: nothing one of them wrote is lost to the other. */
describe('assessments written at the same time', () => {
  let jarvis: Awaited<ReturnType<typeof testJarvis>>;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await jarvis.router.fetch(
      new Request(`http://jarvis.test${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    return { status: response.status, body: (await response.json()) as Answer };
  };

  beforeAll(async () => {
    jarvis = await testJarvis();
    const experiment = await call('POST', '/api/2.0/mlflow/experiments/create', { name: 'judged' });
    const started = await call('POST', `${V3}/traces`, {
      trace: {
        trace_info: {
          trace_id: TRACE_ID,
          trace_location: {
            type: 'MLFLOW_EXPERIMENT',
            mlflow_experiment: { experiment_id: experiment.body.experiment_id! },
          },
          request_time: '2026-12-01T00:00:00.000Z',
          execution_duration: '0.100s',
          state: 'OK',
        },
      },
    });
    expect(started.status).toBe(200);
  });
  afterAll(() => jarvis?.[Symbol.asyncDispose]());

  it('two feedbacks logged at once are both kept', async () => {
    const log = (name: string) =>
      call('POST', `${V3}/traces/${TRACE_ID}/assessments`, {
        assessment: {
          assessment_name: name,
          trace_id: TRACE_ID,
          source: { source_type: 'HUMAN', source_id: name },
          feedback: { value: 1 },
        },
      });
    const answers = await Promise.all([log('relevance'), log('safety')]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const trace = await call('GET', `${V3}/traces/${TRACE_ID}`);
    const names = (trace.body.trace?.trace_info.assessments ?? []).map((a) => a.assessment_name);
    expect(names.sort()).toEqual(['relevance', 'safety']);
  });

  it('two updates of different fields at once both land', async () => {
    const created = await call('POST', `${V3}/traces/${TRACE_ID}/assessments`, {
      assessment: {
        assessment_name: 'grounded',
        trace_id: TRACE_ID,
        source: { source_type: 'HUMAN', source_id: 'a' },
        feedback: { value: 0.2 },
      },
    });
    const id = created.body.assessment!.assessment_id;
    const update = (assessment: Record<string, unknown>, mask: string) =>
      call('PATCH', `${V3}/traces/${TRACE_ID}/assessments/${id}`, { assessment, update_mask: mask });
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all([
        update({ assessment_name: 'grounded', feedback: { value: round } }, 'feedback'),
        update({ assessment_name: 'grounded', rationale: `round ${round}` }, 'rationale'),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      const now = await call('GET', `${V3}/traces/${TRACE_ID}/assessments/${id}`);
      expect(now.body.assessment).toMatchObject({ feedback: { value: round }, rationale: `round ${round}` });
    }
  });
});

/**
 * Issue 11 item 3 (AWS and GCP): provider keys held by AWS Secrets Manager and GCP Secret
 * Manager reach the LLM through `$secret://aws/...` and `$secret://gcp/...` references in an
 * ai-proxy-multi instance's `auth.header`. One real `tollgate start` on the suite's etcd, the
 * testkit stand-ins (which verify Signature V4 and the service account's RS256 assertion) and a
 * mock LLM that accepts only the real keys. The AWS secret key is an `$env://` reference, so no
 * credential is stored in etcd; no key appears in a log line, metric, control or Admin API answer.
 */
import { generateKeyPairSync } from 'node:crypto';
import { startMockLlm, type MockLlm } from '@tollgate/mock-llm';
import {
  AdminClient,
  freePort,
  httpRequest,
  startMockAwsSecrets,
  startMockGcpSecrets,
  startTollgate,
  testEtcdEndpoint,
  uniquePrefix,
  waitFor,
  type MockAwsSecrets,
  type MockGcpSecrets,
  type TollgateNode,
} from '@tollgate/testkit';

jest.setTimeout(90_000);

const ADMIN_KEY = 'cloud-secrets-e2e-admin-key';
const AWS_SECRET_ACCESS_KEY = 'aws-secret-9f2c4e1a7b';
const AWS_LLM_KEY = 'sk-aws-3b7e19c0d5a2';
const GCP_LLM_KEY = 'sk-gcp-c2d84f61e0b9';
const CHAT = { messages: [{ role: 'user', content: 'hi' }] };
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

let aws: MockAwsSecrets;
let gcp: MockGcpSecrets;
let llm: MockLlm;
let node: TollgateNode;
let admin: AdminClient;
let gatewayPort: number;
let controlPort: number;
let metricsPort: number;
let output = '';

const chat = async (uri: string) => {
  const res = await httpRequest('POST', `http://127.0.0.1:${gatewayPort}${uri}`, {
    headers: { 'content-type': 'application/json' },
    body: CHAT,
  });
  return { status: res.status, text: res.text };
};

const lastKeySeen = () => llm.requests.at(-1)?.headers['x-api-key'];

async function putRoute(id: string, reference: string): Promise<void> {
  const uri = `/${id}`;
  const res = await admin.put(`/apisix/admin/routes/${id}`, {
    uri,
    plugins: {
      prometheus: {},
      'ai-proxy-multi': {
        instances: [
          {
            name: 'llm',
            provider: 'openai-compatible',
            weight: 1,
            auth: { header: { 'x-api-key': reference } },
            options: { model: 'm' },
            override: { endpoint: `${llm.url}/v1/chat/completions` },
          },
        ],
      },
    },
  });
  expect([200, 201]).toContain(res.status);
  await waitFor(`${uri} to be routed`, async () =>
    (await chat(uri)).status !== 404 ? true : undefined,
  );
}

beforeAll(async () => {
  aws = await startMockAwsSecrets({
    accessKeyId: 'AKIDTOLLGATE',
    secretAccessKey: AWS_SECRET_ACCESS_KEY,
    region: 'eu-central-1',
    secrets: { 'prod/llm': JSON.stringify({ key: AWS_LLM_KEY }) },
  });
  gcp = await startMockGcpSecrets({
    clientEmail: 'gateway@tollgate-e2e.iam.gserviceaccount.com',
    publicKey,
    projectId: 'tollgate-e2e',
    secrets: { llm: JSON.stringify({ key: GCP_LLM_KEY }) },
  });
  llm = await startMockLlm({ name: 'llm', apiKeys: [AWS_LLM_KEY, GCP_LLM_KEY] });
  gatewayPort = await freePort();
  controlPort = await freePort();
  metricsPort = await freePort();
  const adminPort = await freePort();
  node = await startTollgate({
    config: {
      apisix: {
        node_listen: [{ ip: '127.0.0.1', port: gatewayPort }],
        control: { ip: '127.0.0.1', port: controlPort },
      },
      nginx_config: { worker_processes: 1 },
      plugin_attr: { prometheus: { export_addr: { ip: '127.0.0.1', port: metricsPort } } },
      deployment: {
        role: 'traditional',
        etcd: { host: [testEtcdEndpoint()], prefix: uniquePrefix('cloud-secrets'), timeout: 3 },
        admin: {
          admin_key: [{ name: 'admin', key: ADMIN_KEY, role: 'admin' }],
          admin_listen: { ip: '127.0.0.1', port: adminPort },
        },
      },
    },
    env: { AWS_SECRET_ACCESS_KEY, TOLLGATE_LOG_LEVEL: 'debug' },
    onOutput: (text) => (output += text),
    readyPorts: [gatewayPort, adminPort, controlPort],
  });
  admin = new AdminClient(`http://127.0.0.1:${adminPort}`, ADMIN_KEY);
  const awsConf = {
    access_key_id: 'AKIDTOLLGATE',
    secret_access_key: '$env://AWS_SECRET_ACCESS_KEY',
    region: 'eu-central-1',
    endpoint_url: aws.url,
  };
  expect((await admin.put('/apisix/admin/secrets/aws/1', awsConf)).status).toBe(201);
  const wrongRegion = { ...awsConf, region: 'us-west-2' };
  expect((await admin.put('/apisix/admin/secrets/aws/2', wrongRegion)).status).toBe(201);
  const gcpConf = {
    auth_config: {
      client_email: 'gateway@tollgate-e2e.iam.gserviceaccount.com',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      project_id: 'tollgate-e2e',
      token_uri: gcp.tokenUri,
      entries_uri: gcp.entriesUri,
    },
  };
  expect((await admin.put('/apisix/admin/secrets/gcp/1', gcpConf)).status).toBe(201);
});

afterAll(async () => {
  await node?.destroy();
  await llm?.close();
  await aws?.close();
  await gcp?.close();
});

describe('AWS and GCP secret references in ai-proxy-multi auth (issue 11 item 3)', () => {
  it('$secret://aws/1/prod/llm/key reaches the LLM, fetched with a request AWS accepts', async () => {
    await putRoute('aws', '$secret://aws/1/prod/llm/key');
    expect(await chat('/aws')).toMatchObject({ status: 200 });
    expect(lastKeySeen()).toBe(AWS_LLM_KEY);
    expect(aws.served).toBeGreaterThanOrEqual(1);
    expect(aws.rejections).toEqual([]);
  });

  it('$secret://gcp/1/llm/key reaches the LLM with a token got from a signed assertion', async () => {
    await putRoute('gcp', '$secret://gcp/1/llm/key');
    expect(await chat('/gcp')).toMatchObject({ status: 200 });
    expect(lastKeySeen()).toBe(GCP_LLM_KEY);
    expect(gcp.tokensIssued).toBe(1);
    expect(gcp.rejections).toEqual([]);
  });

  it('a request AWS refuses (signed for another region): 503, the log names the reference and the reason', async () => {
    await putRoute('aws-refused', '$secret://aws/2/prod/llm/key');
    const res = await chat('/aws-refused');
    expect(res.status).toBe(503);
    expect(aws.rejections).toContain('credential scope region us-west-2');
    await waitFor('the log line', () =>
      output.includes('$secret://aws/2/prod/llm/key') ? true : undefined,
    );
    const line = output.split('\n').find((l) => l.includes('$secret://aws/2/prod/llm/key')) ?? '';
    expect(line).toContain(
      'failed to retrtive data from aws secret manager: invalid status code 403',
    );
  });

  it('no LLM key or AWS secret key in logs, metrics, control API or Admin API answers', async () => {
    const metrics = await httpRequest(
      'GET',
      `http://127.0.0.1:${metricsPort}/apisix/prometheus/metrics`,
    );
    expect(metrics.status).toBe(200);
    const answers = [
      output,
      metrics.text,
      ...(await Promise.all(
        ['/v1/routes', '/v1/route/aws', '/v1/route/gcp'].map(
          async (path) => (await httpRequest('GET', `http://127.0.0.1:${controlPort}${path}`)).text,
        ),
      )),
      ...(await Promise.all(
        ['/apisix/admin/routes', '/apisix/admin/secrets', '/apisix/admin/secrets/aws/1'].map(
          async (path) => (await admin.get(path)).text,
        ),
      )),
    ];
    expect(output).toContain('"level":"debug"');
    for (const secret of [AWS_SECRET_ACCESS_KEY, AWS_LLM_KEY, GCP_LLM_KEY]) {
      for (const answer of answers) expect(answer).not.toContain(secret);
    }
  });
});

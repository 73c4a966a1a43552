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
  startMockAwsSecrets,
  startMockGcpSecrets,
  type MockAwsSecrets,
  type MockGcpSecrets,
} from '@tollgate/testkit';
import { startSecretsNode, type SecretsNode } from './support/secrets-node';

jest.setTimeout(90_000);

const ADMIN_KEY = 'cloud-secrets-e2e-admin-key';
const AWS_SECRET_ACCESS_KEY = 'aws-secret-9f2c4e1a7b';
const AWS_LLM_KEY = 'sk-aws-3b7e19c0d5a2';
const GCP_LLM_KEY = 'sk-gcp-c2d84f61e0b9';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

let aws: MockAwsSecrets;
let gcp: MockGcpSecrets;
let llm: MockLlm;
let node: SecretsNode;

const chat = (uri: string) => node.chat(uri);
const lastKeySeen = () => llm.requests.at(-1)?.headers['x-api-key'];
const putRoute = (id: string, reference: string) =>
  node.putLlmRoute(id, `/${id}`, { 'x-api-key': reference });

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
  node = await startSecretsNode({
    name: 'cloud-secrets',
    adminKey: ADMIN_KEY,
    llm,
    env: { AWS_SECRET_ACCESS_KEY },
  });
  const { admin } = node;
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
  await node?.close();
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
    const line = await node.logLine('$secret://aws/2/prod/llm/key');
    expect(line).toContain(
      'failed to retrtive data from aws secret manager: invalid status code 403',
    );
  });

  it('no LLM key or AWS secret key in logs, metrics, control API or Admin API answers', async () => {
    const answers = await node.observableText([
      '/apisix/admin/routes',
      '/apisix/admin/secrets',
      '/apisix/admin/secrets/aws/1',
    ]);
    expect(answers[1]).toContain('apisix_http_status');
    expect(node.output()).toContain('"level":"debug"');
    for (const secret of [AWS_SECRET_ACCESS_KEY, AWS_LLM_KEY, GCP_LLM_KEY]) {
      for (const answer of answers) expect(answer).not.toContain(secret);
    }
  });
});

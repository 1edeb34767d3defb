/**
 * The credential provider chain of the deployed bundles: the environment variables Lambda sets, and nothing else.
 *
 * Lambda gives every function its execution role's credentials in `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
 * `AWS_SESSION_TOKEN` ("Defined runtime environment variables", Lambda developer guide), and the SDK's default chain
 * finds them first (`fromEnv`, "Credential provider chain", AWS SDK for JavaScript v3 developer guide). The rest of
 * that chain (shared ini files, SSO, web identity, the console login, process, container and instance metadata)
 * never runs in Lambda but is bundled and loaded by every client: about 90 KiB minified, with the SSO, STS and
 * sign-in clients it needs. The bundles therefore alias `@aws-sdk/credential-provider-node` to this module
 * (`lib/constructs/service-function.ts`, `bundleAliases`); the code run by the local stack and the tests is not
 * bundled and keeps the SDK's whole chain.
 *
 * Throws `CredentialsProviderError` (from `fromEnv`) when the variables are missing: a bundle run outside Lambda
 * needs them set.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** Drop-in for `defaultProvider` of `@aws-sdk/credential-provider-node`, the only export the SDK clients import. */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);

/** The Cognito client of this function, created on first use (endpoint and credentials from the SDK's standard chain). */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

let cognito: CognitoIdentityProviderClient | undefined;

export function cognitoClient(): CognitoIdentityProviderClient {
  cognito ??= new CognitoIdentityProviderClient({});
  return cognito;
}

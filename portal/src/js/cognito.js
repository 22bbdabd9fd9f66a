// Cognito's user pool API from the browser: JSON over POST to config.cognitoEndpoint.
import { loadConfig } from './config.js'

export class CognitoError extends Error {
  constructor (type, message) {
    super(message || type)
    this.type = type
  }
}

// Abandoned after 20 s, as the API's requests are (api.js): a NetworkError, like no connection.
const TIMEOUT_MS = 20_000

export async function cognito (operation, body) {
  const config = await loadConfig()
  let response
  let text
  try {
    response = await fetch(config.cognitoEndpoint, {
      method: 'POST',
      credentials: 'omit',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': `AWSCognitoIdentityProviderService.${operation}`
      },
      body: JSON.stringify({ ClientId: config.userPoolClientId, ...body }),
      signal: AbortSignal.timeout(TIMEOUT_MS)
    })
    text = await response.text()
  } catch {
    throw new CognitoError('NetworkError')
  }
  const data = text ? JSON.parse(text) : {}
  if (!response.ok) {
    const type = String(data.__type || data.code || 'UnknownError').split('#').pop()
    throw new CognitoError(type, data.message)
  }
  return data
}

// Signs in with the email address and password by SRP (USER_SRP_AUTH: the password never leaves the
// browser; the pool's client allows no other password flow). Resolves to tokens (AuthenticationResult), or
// a challenge to answer (ChallengeName and Session: SOFTWARE_TOKEN_MFA). `pool`: another pool's
// { poolId, clientId } (the staff pool's: js/staff/session.js); the victims' by default.
export async function signIn (email, password, pool = {}) {
  const config = await loadConfig()
  const { srpStart, passwordClaim } = await import('./vendor/cognito-srp.js')
  const poolName = String(pool.poolId || config.userPoolId).split('_')[1]
  const client = pool.clientId ? { ClientId: pool.clientId } : {}
  const { helper, srpA } = await srpStart(poolName)
  const started = await cognito('InitiateAuth', {
    ...client,
    AuthFlow: 'USER_SRP_AUTH',
    AuthParameters: { USERNAME: email, SRP_A: srpA }
  })
  if (started.ChallengeName !== 'PASSWORD_VERIFIER') return started
  return cognito('RespondToAuthChallenge', {
    ...client,
    ChallengeName: 'PASSWORD_VERIFIER',
    Session: started.Session,
    ChallengeResponses: await passwordClaim(helper, poolName, password, started.ChallengeParameters)
  })
}

// Cognito's SRP sign-in proof, from amazon-cognito-identity-js (AWS's own browser library) and its
// dependencies. build.mjs bundles this file into dist/js/vendor/cognito-srp.js; cognito.js loads it only
// when someone signs in. The password never leaves the browser: Cognito gets A, then a proof of the key.
import { AuthenticationHelper, DateHelper } from 'amazon-cognito-identity-js'
import BigInteger from 'amazon-cognito-identity-js/es/BigInteger'
import { Sha256 } from '@aws-crypto/sha256-js'
import { Buffer } from 'buffer'

// The start of USER_SRP_AUTH: a new random a, and A for InitiateAuth's SRP_A.
export function srpStart (poolName) {
  const helper = new AuthenticationHelper(poolName)
  return new Promise((resolve, reject) => {
    helper.getLargeAValue((error, largeA) => (error ? reject(error) : resolve({ helper, srpA: largeA.toString(16) })))
  })
}

// The ChallengeResponses that answer PASSWORD_VERIFIER, as the library's CognitoUser.authenticateUser builds them.
export function passwordClaim (helper, poolName, password, parameters) {
  const userId = parameters.USER_ID_FOR_SRP
  return new Promise((resolve, reject) => {
    const serverB = new BigInteger(parameters.SRP_B, 16)
    const salt = new BigInteger(parameters.SALT, 16)
    helper.getPasswordAuthenticationKey(userId, password, serverB, salt, (error, hkdf) => {
      if (error) return reject(error)
      const timestamp = new DateHelper().getNowString()
      const hash = new Sha256(hkdf)
      hash.update(Buffer.concat([
        Buffer.from(poolName, 'utf8'),
        Buffer.from(userId, 'utf8'),
        Buffer.from(parameters.SECRET_BLOCK, 'base64'),
        Buffer.from(timestamp, 'utf8')
      ]))
      resolve({
        USERNAME: userId,
        PASSWORD_CLAIM_SECRET_BLOCK: parameters.SECRET_BLOCK,
        TIMESTAMP: timestamp,
        PASSWORD_CLAIM_SIGNATURE: Buffer.from(hash.digestSync()).toString('base64')
      })
    })
  })
}

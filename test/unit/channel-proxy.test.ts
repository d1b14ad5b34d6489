// A kubeconfig proxy-url as the channel dial reads it: where CONNECT goes, the Basic credentials
// it carries (percent-decoded, as the URL encodes them), a redacted name for messages, and the
// proxies channels refuse (SOCKS5, other schemes, not a URL) with a reason.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectAuthority, parseChannelProxy } from '../../src/kube/transport/channel/proxyTunnel';

const basic = (s: string) => `Basic ${Buffer.from(s, 'utf8').toString('base64')}`;

describe('parseChannelProxy', () => {
  it('http:// with user and password: host, port, Basic credentials, a display without the password', () => {
    assert.deepEqual(parseChannelProxy('http://alice:S3cret-pw@127.0.0.1:3128'), {
      proxy: { secure: false, host: '127.0.0.1', port: 3128, authorization: basic('alice:S3cret-pw'), display: 'http://alice:***@127.0.0.1:3128' },
    });
  });

  it('percent-encoded credentials are decoded before they are sent', () => {
    const r = parseChannelProxy('http://d%40main%5Cbob:p%3Aw%2Fd%20x@proxy.corp:8080');
    assert.ok('proxy' in r);
    assert.equal(r.proxy.authorization, basic('d@main\\bob:p:w/d x'));
    assert.ok(!r.proxy.display.includes('p%3Aw'), r.proxy.display);
  });

  it('a user without password, and no credentials at all', () => {
    const userOnly = parseChannelProxy('http://tok3nUser@proxy.corp:8080');
    assert.ok('proxy' in userOnly);
    assert.equal(userOnly.proxy.authorization, basic('tok3nUser:'));
    assert.equal(userOnly.proxy.display, 'http://***@proxy.corp:8080');
    const none = parseChannelProxy('http://proxy.corp:8080');
    assert.ok('proxy' in none);
    assert.equal(none.proxy.authorization, undefined);
  });

  it('default ports, https://, IPv6 without brackets for the socket', () => {
    assert.deepEqual(parseChannelProxy('http://proxy.corp'), { proxy: { secure: false, host: 'proxy.corp', port: 80, display: 'http://proxy.corp' } });
    assert.deepEqual(parseChannelProxy('https://proxy.corp'), { proxy: { secure: true, host: 'proxy.corp', port: 443, display: 'https://proxy.corp' } });
    const v6 = parseChannelProxy('http://[::1]:3128');
    assert.ok('proxy' in v6);
    assert.equal(v6.proxy.host, '::1');
  });

  it('SOCKS5, other schemes and non-URLs are refused with a reason that names the proxy, redacted', () => {
    const socks = parseChannelProxy('socks5://bob:Hunter22x@127.0.0.1:1080');
    assert.ok('unsupported' in socks);
    assert.match(socks.unsupported, /SOCKS5 proxy socks5:\/\/bob:\*\*\*@127\.0\.0\.1:1080/);
    assert.ok(!socks.unsupported.includes('Hunter22x'));
    const ftp = parseChannelProxy('ftp://proxy.corp:21');
    assert.ok('unsupported' in ftp);
    assert.match(ftp.unsupported, /uses ftp:, which is not supported/);
    const junk = parseChannelProxy('not a url');
    assert.ok('unsupported' in junk);
    assert.match(junk.unsupported, /is not a URL/);
  });
});

describe('connectAuthority', () => {
  it('host:port of the API server as CONNECT names it, default ports filled in, IPv6 bracketed', () => {
    assert.equal(connectAuthority(new URL('wss://127.0.0.1:6443/api')), '127.0.0.1:6443');
    assert.equal(connectAuthority(new URL('wss://api.example.com/k8s')), 'api.example.com:443');
    assert.equal(connectAuthority(new URL('https://api.example.com')), 'api.example.com:443');
    assert.equal(connectAuthority(new URL('ws://api.example.com')), 'api.example.com:80');
    assert.equal(connectAuthority(new URL('wss://[::1]:6443')), '[::1]:6443');
  });
});

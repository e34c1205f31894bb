import { expect } from 'chai';
import { loadConfig } from '../../config';
import { AllowList, allowListProblems, parseAllowEntry } from '../../connectors/egress/allow-list';

const list = (...entries: string[]) => AllowList.parse(entries, 'test');
const allows = (allowList: AllowList, destination: { host: string; port: number; address?: string }) =>
  allowList.allowing(destination) !== undefined;

describe('egress allow-list entries (CONNECTOR_EGRESS_ALLOW, connectors.yaml egress.allow)', () => {
  it('parses each kind of entry: host, *.domain, host:port, IP, IP:port, [v6]:port, bare IPv6 and CIDR', () => {
    const kinds = [
      'sap.corp.example',
      '*.corp.example',
      'sap.corp.example:8443',
      '10.1.2.3',
      '10.1.2.3:8443',
      '[fd00::5]:8443',
      'fd00::5',
      '10.0.0.0/8',
      'fd00::/8',
      'localhost:1025',
    ].map((text) => {
      const entry = parseAllowEntry(text);
      return typeof entry === 'string' ? entry : [entry.kind, 'port' in entry ? entry.port : null];
    });
    expect(kinds).to.deep.equal([
      ['host', null],
      ['domain', null],
      ['host', 8443],
      ['address', null],
      ['address', 8443],
      ['address', 8443],
      ['address', null],
      ['cidr', null],
      ['cidr', null],
      ['host', 1025],
    ]);
  });

  it('when an entry is not a destination, then it is refused with a message naming it', () => {
    expect(
      allowListProblems([
        'https://sap.corp.example',
        'sap.corp.example:0',
        'sap.corp.example:99999',
        '*.com',
        '*',
        '10.0.0.0/33',
        '0.0.0.0/0',
        'bad host',
        '[sap.corp]:80',
        '127.1',
        'a..b',
        '',
      ]),
    ).to.deep.equal([
      '"https://sap.corp.example" must be a host, *.domain, host:port, an IP address or a CIDR block, not a URL',
      '"sap.corp.example:0": port 0 is outside 1–65535',
      '"sap.corp.example:99999": port 99999 is outside 1–65535',
      '"*.com": a wildcard must name a domain with at least two labels, e.g. *.corp.example',
      '"*" is not a host name, IP address or CIDR block',
      '"10.0.0.0/33" is not a valid CIDR block',
      '"0.0.0.0/0" would open every address, cloud metadata endpoints included: name the networks instead',
      '"bad host" is not a host name, IP address or CIDR block',
      '"[sap.corp]:80": [sap.corp] is not an IPv6 address',
      '"127.1" is not a host name, IP address or CIDR block',
      '"a..b" is not a host name, IP address or CIDR block',
      'an entry is empty',
    ]);
  });

  it('when CONNECTOR_EGRESS_ALLOW holds a bad entry, then start-up fails naming the variable and the entry', () => {
    expect(() => loadConfig({ CONNECTOR_EGRESS_ALLOW: 'sap.corp.example, http://10.0.0.1' }, false)).to.throw(
      /CONNECTOR_EGRESS_ALLOW: "http:\/\/10\.0\.0\.1" must be a host/,
    );
    expect(loadConfig({ CONNECTOR_EGRESS_ALLOW: ' sap.corp.example , 10.0.0.0/8 ' }, false).egressAllow).to.deep.equal([
      'sap.corp.example',
      '10.0.0.0/8',
    ]);
  });

  it('a host:port entry opens that port only, never the whole host', () => {
    const allowList = list('127.0.0.1:1025', 'sap.corp.example:8443');
    expect(allows(allowList, { host: '127.0.0.1', port: 1025 })).to.equal(true);
    expect(allows(allowList, { host: '127.0.0.1', port: 3306 })).to.equal(false);
    expect(allows(allowList, { host: 'sap.corp.example', port: 8443, address: '10.1.2.3' })).to.equal(true);
    expect(allows(allowList, { host: 'sap.corp.example', port: 443, address: '10.1.2.3' })).to.equal(false);
  });

  it('host entries match the configured name (case and trailing dot aside), wildcards match names below the domain only', () => {
    const allowList = list('sap.corp.example', '*.odoo.corp.example');
    expect(allows(allowList, { host: 'SAP.corp.example.', port: 443, address: '10.1.2.3' })).to.equal(true);
    expect(allows(allowList, { host: 'erp.odoo.corp.example', port: 8069, address: '10.1.2.4' })).to.equal(true);
    expect(allows(allowList, { host: 'odoo.corp.example', port: 8069, address: '10.1.2.4' })).to.equal(false);
    expect(allows(allowList, { host: 'sap.corp.example.attacker.example', port: 443, address: '10.1.2.3' })).to.equal(
      false,
    );
    expect(allows(allowList, { host: 'evil-odoo.corp.example', port: 443, address: '10.1.2.3' })).to.equal(false);
  });

  it('address and CIDR entries match the address connected to, in its IPv4-mapped form too', () => {
    const allowList = list('10.0.0.0/8', 'fd00:ec2::/32', '192.168.1.5:5432');
    expect(allows(allowList, { host: 'sap.corp.example', port: 443, address: '10.20.30.40' })).to.equal(true);
    expect(allows(allowList, { host: 'sap.corp.example', port: 443, address: '::ffff:10.20.30.40' })).to.equal(true);
    expect(allows(allowList, { host: 'sap.corp.example', port: 443, address: '11.0.0.1' })).to.equal(false);
    expect(allows(allowList, { host: 'fd00:ec2::1', port: 80 })).to.equal(true);
    expect(allows(allowList, { host: 'db.corp.example', port: 5432, address: '192.168.1.5' })).to.equal(true);
    expect(allows(allowList, { host: 'db.corp.example', port: 5433, address: '192.168.1.5' })).to.equal(false);
  });

  it('names a URL when an entry names its host and effective port (smtp: 587, smtps: 465, https: 443)', () => {
    const allowList = list('relay.corp.example:587', 'stripe-proxy.corp.example:443', '[::1]:8080');
    expect(allowList.namesUrl(new URL('smtp://relay.corp.example'))).to.equal(true);
    expect(allowList.namesUrl(new URL('smtps://relay.corp.example'))).to.equal(false);
    expect(allowList.namesUrl(new URL('https://stripe-proxy.corp.example/v1'))).to.equal(true);
    expect(allowList.namesUrl(new URL('http://stripe-proxy.corp.example/v1'))).to.equal(false);
    expect(allowList.namesUrl(new URL('http://[::1]:8080/'))).to.equal(true);
  });
});

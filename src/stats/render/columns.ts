/** HAProxy 2.6's `show stat` columns in order, and the tags `show stat typed` gives each one tsproxy fills. */

/** Every column of HAProxy 2.6's CSV, in order ("-" ends the proxy fields, as in HAProxy). */
export const CSV_COLUMNS: readonly string[] = (
  "pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr," +
  "wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle," +
  "lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx," +
  "hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot," +
  "cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime," +
  "ctime,rtime,ttime,agent_status,agent_code,agent_duration,check_desc,agent_desc,check_rise," +
  "check_fall,check_health,agent_rise,agent_fall,agent_health,addr,cookie,mode,algo," +
  "conn_rate,conn_rate_max,conn_tot,intercepted,dcon,dses,wrew,connect,reuse,cache_lookups," +
  "cache_hits,srv_icur,src_ilim,qtime_max,ctime_max,rtime_max,ttime_max,eint,idle_conn_cur," +
  "safe_conn_cur,used_conn_cur,need_conn_est,uweight,agg_server_status," +
  "agg_server_check_status,agg_check_status,-,ssl_sess,ssl_reused_sess,ssl_failed_handshake," +
  "h2_headers_rcvd,h2_data_rcvd,h2_settings_rcvd,h2_rst_stream_rcvd,h2_goaway_rcvd," +
  "h2_detected_conn_protocol_errors,h2_detected_strm_protocol_errors,h2_rst_stream_resp," +
  "h2_goaway_resp,h2_open_connections,h2_backend_open_streams,h2_total_connections," +
  "h2_backend_total_streams,h1_open_connections,h1_open_streams,h1_total_connections," +
  "h1_total_streams,h1_bytes_in,h1_bytes_out,h1_spliced_bytes_in,h1_spliced_bytes_out"
).split(",");

/** A column's position in CSV_COLUMNS (HAProxy's field number in typed and JSON output). */
export const COLUMN_POS: ReadonlyMap<string, number> = new Map(CSV_COLUMNS.map((c, i) => [c, i]));

/** `show stat typed` tags and type per column: origin, nature, scope letters, then the value type. */
const TAGS =
  "pxname:KNS:str svname:KNS:str qcur:MGP:u32 qmax:MMP:u32 scur:MGP:u32 smax:MMP:u32 slim:CLP:u32 " +
  "stot:MCP:u64 bin:MCP:u64 bout:MCP:u64 dreq:MCP:u64 dresp:MCP:u64 ereq:MCP:u64 econ:MCP:u64 " +
  "eresp:MCP:u64 wretr:MCP:u64 wredis:MCP:u64 status:SGP:str weight:MaP:u32 act:SGP:u32 " +
  "bck:SGP:u32 chkfail:MCP:u64 chkdown:MCP:u64 lastchg:MAP:u32 downtime:MCP:u32 qlimit:CLP:u32 " +
  "pid:KGP:u32 iid:KGS:u32 sid:KGS:u32 throttle:MGP:u32 lbtot:MCP:u64 type:CGS:u32 " +
  "check_status:MOP:str check_code:MOP:u32 check_duration:MDP:u64 hrsp_1xx:MCP:u64 " +
  "hrsp_2xx:MCP:u64 hrsp_3xx:MCP:u64 hrsp_4xx:MCP:u64 hrsp_5xx:MCP:u64 hrsp_other:MCP:u64 " +
  "hanafail:MCP:u64 req_tot:MCP:u64 cli_abrt:MCP:u64 srv_abrt:MCP:u64 comp_in:MCP:u64 " +
  "comp_out:MCP:u64 comp_byp:MCP:u64 comp_rsp:MCP:u64 last_chk:MOP:str check_desc:MOP:str " +
  "check_rise:CGS:u32 check_fall:CGS:u32 check_health:CGS:u32 addr:CGS:str mode:CGS:str " +
  "algo:CGS:str conn_tot:MCP:u64 intercepted:MCP:u64 dcon:MCP:u64 uweight:MaP:u32";

const ORIGIN: Record<string, string> = { M: "Metric", S: "Status", K: "Key", C: "Config" };
const NATURE: Record<string, string> = {
  G: "Gauge",
  M: "Max",
  L: "Limit",
  C: "Counter",
  D: "Duration",
  A: "Age",
  R: "Rate",
  N: "Name",
  O: "Output",
  a: "Avg",
};
const SCOPE: Record<string, string> = { P: "Process", S: "Service" };

/** One column's tags as `show stat typed` prints them ("MCP") and as `show stat json` spells them. */
export interface ColumnTags {
  readonly letters: string;
  readonly type: "u32" | "u64" | "s32" | "str";
  readonly origin: string;
  readonly nature: string;
  readonly scope: string;
}

/** The tags of every column tsproxy fills. */
export const COLUMN_TAGS: ReadonlyMap<string, ColumnTags> = new Map(
  TAGS.split(" ").map((t) => {
    const [name, letters, type] = t.split(":") as [string, string, ColumnTags["type"]];
    const [o, n, s] = letters as unknown as [string, string, string];
    return [name, {
      letters,
      type,
      origin: ORIGIN[o]!,
      nature: NATURE[n]!,
      scope: SCOPE[s]!,
    }];
  }),
);

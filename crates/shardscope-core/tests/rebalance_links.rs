//! The Rebalance lab was folded into the Placement lab: its links must open the Placement lab in a
//! state that shows the same numbers. The table holds what the Rebalance lab itself computed for
//! these links (`shardscope rebalance QUERY` at the commit before the fold): keys moved, the
//! minimum, and every node's keys before and after the event.

use shardscope_core::labs::placement::{legacy::REBALANCE, Job, Params};
use shardscope_core::labs::LabParams;

struct OldLink {
    query: &'static str,
    moved: u64,
    minimum: u64,
    loads: &'static [(u32, Option<u64>, Option<u64>)],
}

const OLD_LINKS: &[OldLink] = &[
    OldLink {
        query: "v=1&alg=ring&nodes=8&keys=200000&vnodes=100&seed=7&event=add",
        moved: 21_528,
        minimum: 21_528,
        loads: &[
            (0, Some(26_955), Some(23_562)),
            (1, Some(24_745), Some(21_875)),
            (2, Some(22_290), Some(20_338)),
            (3, Some(27_021), Some(23_663)),
            (4, Some(23_625), Some(21_355)),
            (5, Some(26_773), Some(23_768)),
            (6, Some(22_180), Some(19_257)),
            (7, Some(26_411), Some(24_654)),
            (8, None, Some(21_528)),
        ],
    },
    OldLink {
        query: "v=1&alg=modn&nodes=10&keys=200000&vnodes=100&seed=7&event=remove-3",
        moved: 180_011,
        minimum: 20_118,
        loads: &[
            (0, Some(19_912), Some(22_011)),
            (1, Some(20_009), Some(22_435)),
            (2, Some(20_045), Some(22_249)),
            (3, Some(20_118), None),
            (4, Some(20_200), Some(22_260)),
            (5, Some(19_943), Some(22_178)),
            (6, Some(20_092), Some(22_190)),
            (7, Some(19_795), Some(22_320)),
            (8, Some(20_008), Some(22_136)),
            (9, Some(19_878), Some(22_221)),
        ],
    },
    OldLink {
        query: "v=1&alg=jump&nodes=6&keys=50000&vnodes=100&seed=1&event=remove-5",
        moved: 8448,
        minimum: 8448,
        loads: &[
            (0, Some(8467), Some(10_163)),
            (1, Some(8267), Some(9847)),
            (2, Some(8007), Some(9703)),
            (3, Some(8338), Some(10_053)),
            (4, Some(8473), Some(10_234)),
            (5, Some(8448), None),
        ],
    },
    OldLink {
        query: "v=1&alg=hrw&nodes=8&keys=123457&vnodes=100&seed=18446744073709551615&event=remove-4",
        moved: 15_386,
        minimum: 15_386,
        loads: &[
            (0, Some(15_305), Some(17_544)),
            (1, Some(15_454), Some(17_628)),
            (2, Some(15_525), Some(17_689)),
            (3, Some(15_673), Some(17_899)),
            (4, Some(15_386), None),
            (5, Some(15_356), Some(17_502)),
            (6, Some(15_262), Some(17_466)),
            (7, Some(15_496), Some(17_729)),
        ],
    },
    OldLink {
        query: "v=1&alg=ring&nodes=5&keys=1000&vnodes=1&seed=3&event=remove-0",
        moved: 267,
        minimum: 267,
        loads: &[
            (0, Some(267), None),
            (1, Some(94), Some(94)),
            (2, Some(177), Some(177)),
            (3, Some(308), Some(308)),
            (4, Some(154), Some(421)),
        ],
    },
    OldLink {
        query: "v=1&alg=jump&nodes=12&keys=300000&vnodes=100&seed=99&event=add",
        moved: 23_123,
        minimum: 23_123,
        loads: &[
            (0, Some(25_159), Some(23_123)),
            (1, Some(25_171), Some(23_187)),
            (2, Some(24_769), Some(22_845)),
            (3, Some(25_111), Some(23_159)),
            (4, Some(24_971), Some(23_043)),
            (5, Some(24_881), Some(22_988)),
            (6, Some(24_891), Some(23_014)),
            (7, Some(25_141), Some(23_229)),
            (8, Some(25_040), Some(23_099)),
            (9, Some(24_835), Some(22_991)),
            (10, Some(25_028), Some(23_059)),
            (11, Some(25_003), Some(23_140)),
            (12, None, Some(23_123)),
        ],
    },
    OldLink {
        query: "v=1&alg=modn&nodes=3&keys=77777&vnodes=100&seed=0&event=add",
        moved: 58_473,
        minimum: 19_410,
        loads: &[
            (0, Some(25_981), Some(19_614)),
            (1, Some(26_016), Some(19_368)),
            (2, Some(25_780), Some(19_385)),
            (3, None, Some(19_410)),
        ],
    },
];

#[test]
fn rebalance_links_show_the_numbers_the_rebalance_lab_showed() {
    for old in OLD_LINKS {
        let (params, problems) = Params::from_alias_query(REBALANCE, old.query, &[]);
        assert!(problems.is_empty(), "{}: {problems:?}", old.query);
        let mut job = Job::new(&params).unwrap();
        while !job.step() {}
        let report = job.report();
        let [algorithm] = report.algorithms.as_slice() else {
            panic!("{}: one algorithm expected", old.query);
        };
        assert_eq!(
            (algorithm.moved, algorithm.minimum),
            (old.moved, old.minimum),
            "{}",
            old.query
        );
        let loads: Vec<_> = algorithm.nodes.iter().map(|n| (n.node, n.before, n.after)).collect();
        assert_eq!(loads, old.loads, "{}", old.query);
    }
}

#[test]
fn a_bare_rebalance_link_opens_the_rebalance_defaults() {
    let (params, problems) = Params::from_alias_query(REBALANCE, "", &[]);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        params.to_query(),
        Params::from_query("v=1&alg=ring&nodes=8&keys=100000&vnodes=100&seed=42&events=add&step=1")
            .0
            .to_query()
    );
}
